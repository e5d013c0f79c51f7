import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MAX_NOTES, RECORD_ID_PATTERN } from './common';
import { IsCode, IsIsoDate, IsNotInFuture } from './decorators';

/** A service delivered (or attempted) for an incident. */
export class ServiceRecord {
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  serviceId!: string;

  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  incidentId!: string;

  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @IsDefined()
  @IsCode('service_type')
  serviceType!: string;

  @IsDefined()
  @IsCode('service_outcome')
  outcome!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

export const REFERRAL_DIRECTIONS = ['incoming', 'outgoing'] as const;
export type ReferralDirection = (typeof REFERRAL_DIRECTIONS)[number];

/** A referral into the centre (with a source) or out of it (with a destination). */
export class ReferralRecord {
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  referralId!: string;

  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  incidentId!: string;

  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @IsDefined()
  @IsIn(REFERRAL_DIRECTIONS)
  direction!: ReferralDirection;

  @ValidateIf((r: ReferralRecord) => r.direction === 'incoming' || r.source !== undefined)
  @IsDefined()
  @IsCode('referral_source')
  source?: string;

  @ValidateIf((r: ReferralRecord) => r.direction === 'outgoing' || r.destination !== undefined)
  @IsDefined()
  @IsCode('referral_destination')
  destination?: string;

  /** Whether the receiving side took the case on (for an incoming referral: whether the centre did). */
  @IsDefined()
  @IsBoolean()
  accepted!: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}
