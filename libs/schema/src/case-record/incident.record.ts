import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MAX_NARRATIVE, RECORD_ID_PATTERN } from './common';
import { IsCode, IsIsoDate, IsNotBefore, IsNotInFuture, MatchesClassification } from './decorators';

/** The survivor's informed consent for one incident (GBVIMS: sharing only with consent). */
export class ConsentRecord {
  /** Consent to receive services and to be referred. */
  @IsDefined()
  @IsBoolean()
  services!: boolean;

  /** Consent that the incident counts in anonymized statistics. Without it, it never leaves the node. */
  @IsDefined()
  @IsBoolean()
  reporting!: boolean;

  @IsOptional()
  @IsIsoDate()
  @IsNotInFuture()
  givenOn?: string;
}

/** One incident: one survivor, one classified violence type (GBVIMS). */
export class IncidentRecord {
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  incidentId!: string;

  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  clientCode!: string;

  /** When the violence happened (exact date stays on the node). */
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  incidentDate!: string;

  /** When the centre recorded it: the statistics month. */
  @IsDefined()
  @IsIsoDate()
  @IsNotBefore('incidentDate')
  @IsNotInFuture()
  reportedDate!: string;

  /** Where the incident happened. */
  @IsDefined()
  @IsCode('district')
  district!: string;

  /** Every type observed in the incident. */
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsCode('violence_type', { each: true })
  violenceTypes!: string[];

  /** The one type the incident counts under: `classifyViolence(violenceTypes)`. */
  @IsDefined()
  @IsCode('violence_type')
  @MatchesClassification('violenceTypes')
  violenceType!: string;

  @IsDefined()
  @IsCode('perpetrator_relationship')
  perpetratorRelationship!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentRecord)
  consent!: ConsentRecord;

  /** Already reported by another member centre (referred on): the national figure counts it once. */
  @IsDefined()
  @IsBoolean()
  reportedByOtherMember!: boolean;

  /** Free-text account: identifiable. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NARRATIVE)
  narrative?: string;
}
