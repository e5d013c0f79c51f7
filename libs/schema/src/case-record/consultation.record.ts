import { IsBoolean, IsDefined, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_NOTES, RECORD_ID_PATTERN } from './common';
import { IsCode, IsIsoDate, IsNotInFuture } from './decorators';

/** One hotline consultation (telephone or online). Callers are often anonymous. */
export class ConsultationRecord {
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  consultationId!: string;

  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @IsDefined()
  @IsCode('hotline_topic')
  topic!: string;

  @IsDefined()
  @IsCode('sex')
  callerSex!: string;

  @IsOptional()
  @IsCode('age_band')
  callerAgeBand?: string;

  @IsOptional()
  @IsCode('district')
  district?: string;

  /** The centre's pseudonymous code for a repeat caller (or a registered client's code). */
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  callerCode?: string;

  /** Whether the caller is (or speaks for) a survivor, rather than asking for information. */
  @IsDefined()
  @IsBoolean()
  callerIsSurvivor!: boolean;

  @IsOptional()
  @IsCode('referral_destination')
  referredTo?: string;

  /**
   * Consent that the consultation counts in anonymized statistics: a node's releases count only
   * consultations that have it (as incidents with `consent.reporting`). A node records it for
   * every consultation; optional here so that records written before it was in the standard stay valid.
   */
  @IsOptional()
  @IsBoolean()
  consentReporting?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}
