import { applyDecorators } from '@nestjs/common';
import { Field, ID, InputType, Int, PartialType, PickType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ClientRecord, IsCode, IsIsoDate, IsNotBefore, IsNotInFuture, REFERRAL_DIRECTIONS, ReferralDirection } from '@paivand/schema';
import { MAX_NARRATIVE, MAX_NOTES, RECORD_ID_PATTERN } from '@paivand/schema/case-record/common';

/** The version an edit was made from (the record's `version` as read): an edit from another one is CONFLICT STALE_VERSION. */
function ExpectedVersion(): PropertyDecorator {
  return applyDecorators(
    Field(() => Int, {
      nullable: true,
      description: "The version this edit was made from (the record's `version` as read): refused CONFLICT STALE_VERSION when a colleague's edit came in between",
    }),
    IsOptional(),
    IsInt(),
    Min(1),
  );
}

/** A new client: the standard's ClientRecord rules, exposed to GraphQL. */
@InputType()
export class CreateClientInput extends ClientRecord {
  @Field({ description: "The centre's pseudonymous code, e.g. DSH-2026-00042 (never a name)" })
  override clientCode!: string;

  @Field({ description: 'sex codelist' })
  override sex!: string;

  @Field(() => Int, { nullable: true })
  override birthYear?: number;

  @Field({ description: 'district codelist' })
  override district!: string;

  @Field({ description: 'marital_status codelist' })
  override maritalStatus!: string;

  @Field({ description: 'migration_status codelist' })
  override migrationStatus!: string;

  @Field()
  override hasDisability!: boolean;

  @Field({ description: 'YYYY-MM-DD' })
  override registeredOn!: string;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  override fullName?: string;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  override phone?: string;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  override address?: string;

  @Field({ nullable: true, description: 'Identifiable (YYYY-MM-DD): encrypted at rest' })
  override dateOfBirth?: string;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  override notes?: string;
}

@InputType()
export class ConsentInput {
  @Field({ description: 'Consent to services and referral' })
  @IsDefined()
  @IsBoolean()
  services!: boolean;

  @Field({ description: 'Consent that the incident counts in anonymized statistics' })
  @IsDefined()
  @IsBoolean()
  reporting!: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsIsoDate()
  @IsNotInFuture()
  givenOn?: string;
}

/** An incident; the node chooses the one violence type by the GBVIMS classification order. */
@InputType()
export class RecordIncidentInput {
  @Field({ nullable: true, description: 'Centre reference; generated when absent' })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  incidentCode?: string;

  @Field()
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  clientCode!: string;

  @Field()
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  incidentDate!: string;

  @Field()
  @IsDefined()
  @IsIsoDate()
  @IsNotBefore('incidentDate')
  @IsNotInFuture()
  reportedDate!: string;

  @Field()
  @IsDefined()
  @IsCode('district')
  district!: string;

  @Field(() => [String], { description: 'Every violence type observed (violence_type codelist)' })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsCode('violence_type', { each: true })
  violenceTypes!: string[];

  @Field()
  @IsDefined()
  @IsCode('perpetrator_relationship')
  perpetratorRelationship!: string;

  @Field(() => ConsentInput)
  @IsDefined()
  @ValidateNested()
  @Type(() => ConsentInput)
  consent!: ConsentInput;

  /** GraphQL gives false when it is left out. No class initializer: a correction (UpdateIncidentInput) would inherit it and reset the flag. */
  @Field({ defaultValue: false })
  @IsBoolean()
  reportedByOtherMember!: boolean;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NARRATIVE)
  narrative?: string;
}

@InputType()
export class RecordServiceInput {
  @Field(() => ID)
  @IsUUID()
  incidentId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  serviceCode?: string;

  @Field()
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @Field()
  @IsDefined()
  @IsCode('service_type')
  serviceType!: string;

  @Field()
  @IsDefined()
  @IsCode('service_outcome')
  outcome!: string;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

@InputType()
export class RecordReferralInput {
  @Field(() => ID)
  @IsUUID()
  incidentId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  referralCode?: string;

  @Field()
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  date!: string;

  @Field(() => String, { description: 'incoming or outgoing' })
  @IsDefined()
  @IsIn(REFERRAL_DIRECTIONS)
  direction!: ReferralDirection;

  // the side a referral's direction does not have is refused by the service (NOT_FOR_DIRECTION, as updateReferral does)
  @Field({ nullable: true, description: 'referral_source codelist: required on an incoming referral, refused on an outgoing one (NOT_FOR_DIRECTION)' })
  @ValidateIf((r: RecordReferralInput) => r.direction === 'incoming')
  @IsDefined()
  @IsCode('referral_source')
  source?: string;

  @Field({ nullable: true, description: 'referral_destination codelist: required on an outgoing referral, refused on an incoming one (NOT_FOR_DIRECTION)' })
  @ValidateIf((r: RecordReferralInput) => r.direction === 'outgoing')
  @IsDefined()
  @IsCode('referral_destination')
  destination?: string;

  @Field()
  @IsDefined()
  @IsBoolean()
  accepted!: boolean;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

/** One page of a list: at most 100 items from `offset`. */
@InputType({ isAbstract: true })
export class PageInput {
  @Field(() => Int, { defaultValue: 25, description: 'Page size, at most 100' })
  @IsInt()
  @Min(1)
  @Max(100)
  first = 25;

  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset = 0;
}

@InputType()
export class ClientSearchInput extends PageInput {
  @Field({ nullable: true, description: 'Prefix of the pseudonymous client code (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  codePrefix?: string;
}

@InputType()
export class IncidentSearchInput extends PageInput {
  @Field({ nullable: true, description: 'Reported on or after this date (YYYY-MM-DD)' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @Field({ nullable: true, description: 'Reported on or before this date (YYYY-MM-DD)' })
  @IsOptional()
  @IsIsoDate()
  @IsNotBefore('from')
  to?: string;

  @Field({ nullable: true, description: 'The type the incident counts under (violence_type codelist)' })
  @IsOptional()
  @IsCode('violence_type')
  violenceType?: string;

  @Field({ nullable: true, description: "A client's exact pseudonymous code (case-insensitive): all her incidents" })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  clientCode?: string;
}

/**
 * Changes to a client's record: only the fields given change. For the identifiable fields
 * (encrypted at rest) null clears the value. The pseudonymous code, sex and birth year
 * are part of the record's identity and of released figures' history: not editable here.
 */
@InputType()
export class UpdateClientInput extends PartialType(
  PickType(CreateClientInput, ['district', 'maritalStatus', 'migrationStatus', 'hasDisability', 'fullName', 'phone', 'address', 'notes'] as const, InputType),
  InputType,
) {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @ExpectedVersion()
  expectedVersion?: number;
}

/**
 * Corrections to an incident: only the fields given change; null clears the narrative. A
 * `clientCode` moves an incident recorded against the wrong client to the right one of this
 * centre (with its services and referrals). Its code stays; consent has its own mutation
 * (`updateConsent`). Released periods get a revision at the next release check.
 */
@InputType()
export class UpdateIncidentInput extends PartialType(
  PickType(RecordIncidentInput, ['clientCode', 'incidentDate', 'reportedDate', 'district', 'violenceTypes', 'perpetratorRelationship', 'reportedByOtherMember', 'narrative'] as const, InputType),
  // no defaults: a field left out of a correction is not changed (recordIncident's default false would reset the flag)
  { decorator: InputType, omitDefaultValues: true },
) {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @ExpectedVersion()
  expectedVersion?: number;
}

/** Corrections to a service delivered: only the fields given change; null clears the notes. */
@InputType()
export class UpdateServiceInput extends PartialType(PickType(RecordServiceInput, ['date', 'serviceType', 'outcome', 'notes'] as const, InputType), InputType) {
  @Field(() => ID)
  @IsUUID()
  id!: string;
}

/**
 * Corrections to a referral, or its outcome learnt later (`accepted`): only the fields given
 * change; null clears the notes. Its direction stays; a source is for an incoming referral,
 * a destination for an outgoing one (the other side is refused as NOT_FOR_DIRECTION, and null
 * clears it where an older record holds one).
 */
@InputType()
export class UpdateReferralInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsIsoDate()
  @IsNotInFuture()
  date?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsCode('referral_source')
  source?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsCode('referral_destination')
  destination?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  accepted?: boolean;

  @Field({ nullable: true, description: 'Identifiable: encrypted at rest' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

/**
 * What a survivor gives or withdraws: only the consents named change (an edit that sent both from an older
 * screen restored a reporting consent a colleague had just recorded as withdrawn).
 */
@InputType({ description: 'Only the consents named change: one left out keeps its value' })
export class ConsentChangeInput extends PartialType(ConsentInput) {}

/** A survivor gives or withdraws consent; a withdrawn reporting consent leaves the next revision of every released period. */
@InputType()
export class UpdateConsentInput {
  @Field(() => ID)
  @IsUUID()
  incidentId!: string;

  @Field(() => ConsentChangeInput)
  @IsDefined()
  @ValidateNested()
  @Type(() => ConsentChangeInput)
  consent!: ConsentChangeInput;

  @ExpectedVersion()
  expectedVersion?: number;
}
