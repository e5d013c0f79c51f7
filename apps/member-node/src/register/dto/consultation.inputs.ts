import { Field, ID, InputType, PartialType, PickType } from '@nestjs/graphql';
import { IsBoolean, IsDefined, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsCode, IsIsoDate, IsNotBefore, IsNotInFuture } from '@paivand/schema';
import { MAX_NOTES, RECORD_ID_PATTERN } from '@paivand/schema/case-record/common';
import { PageInput } from './register.inputs';

/** One hotline consultation: the standard's ConsultationRecord rules, plus consent to reporting. */
@InputType()
export class RecordConsultationInput {
  @Field({ description: "The hotline's reference of the consultation, unique in the centre (recording it again is refused)" })
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  consultationCode!: string;

  @Field({ nullable: true, description: "The hotline's pseudonymous code of a caller who calls again (never a name or a phone number); absent for an anonymous caller. Case-insensitive, kept in capitals" })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  callerCode?: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @Field({ description: 'hotline_topic codelist' })
  @IsDefined()
  @IsCode('hotline_topic')
  topic!: string;

  @Field({ description: 'sex codelist' })
  @IsDefined()
  @IsCode('sex')
  callerSex!: string;

  @Field({ nullable: true, description: 'age_band codelist' })
  @IsOptional()
  @IsCode('age_band')
  callerAgeBand?: string;

  @Field({ nullable: true, description: 'district codelist' })
  @IsOptional()
  @IsCode('district')
  district?: string;

  @Field({ description: 'Whether the caller is (or speaks for) a survivor, rather than asking for information' })
  @IsDefined()
  @IsBoolean()
  callerIsSurvivor!: boolean;

  @Field({ nullable: true, description: 'referral_destination codelist' })
  @IsOptional()
  @IsCode('referral_destination')
  referredTo?: string;

  @Field({ description: 'Consent that the consultation counts in anonymized statistics' })
  @IsDefined()
  @IsBoolean()
  consentReporting!: boolean;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

/**
 * Corrections to a consultation, or a withdrawn consent: only the fields given change; null
 * clears an optional code (age band, district, referral) or the notes. Its code and caller code stay.
 */
@InputType()
export class UpdateConsultationInput extends PartialType(
  PickType(RecordConsultationInput, ['date', 'topic', 'callerSex', 'callerAgeBand', 'district', 'callerIsSurvivor', 'referredTo', 'consentReporting', 'notes'] as const, InputType),
  InputType,
) {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

/** Consultations of the centre, newest first: by date range and by caller (pseudonymous code). */
@InputType()
export class ConsultationSearchInput extends PageInput {
  @Field({ nullable: true, description: 'From this date (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @Field({ nullable: true, description: 'To this date (YYYY-MM-DD), inclusive' })
  @IsOptional()
  @IsIsoDate()
  @IsNotBefore('from')
  to?: string;

  @Field({ nullable: true, description: "A caller's pseudonymous code (case-insensitive): all her calls" })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  callerCode?: string;
}
