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

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}
