import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ACCESS_LEVELS,
  AccessLevel,
  AccessLevelEnum,
  CONTENT_LANGUAGES,
  ContentLanguage,
  ContentLanguageEnum,
  LIBRARY_KINDS,
  LibraryKind,
  LibraryKindEnum,
} from '../library-codes';

const MAX_YEAR = new Date().getUTCFullYear() + 1;

@InputType()
export class LocalizedTitleInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) tg?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) ru?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) en?: string;
}

@InputType()
export class LocalizedSummaryInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(10_000) tg?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(10_000) ru?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(10_000) en?: string;
}

/** Metadata of a document; on update every field is optional and only the given ones change. */
@InputType()
export class LibraryDocumentFieldsInput {
  @Field(() => LibraryKindEnum, { nullable: true })
  @IsOptional()
  @IsIn(LIBRARY_KINDS)
  kind?: LibraryKind;

  @Field(() => AccessLevelEnum, { nullable: true })
  @IsOptional()
  @IsIn(ACCESS_LEVELS)
  accessLevel?: AccessLevel;

  @Field(() => LocalizedTitleInput, { nullable: true, description: 'At least one of tg, ru, en.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTitleInput)
  title?: LocalizedTitleInput;

  @Field(() => LocalizedSummaryInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedSummaryInput)
  summary?: LocalizedSummaryInput;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  authors?: string[];

  @Field({ nullable: true, description: 'The member organisation that produced the document (or organisationName for an outside one).' })
  @IsOptional()
  @IsUUID()
  organisationMemberId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  organisationName?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1950)
  @Max(MAX_YEAR)
  year?: number;

  @Field(() => ContentLanguageEnum, { nullable: true, description: 'Language of the content (of the attached files).' })
  @IsOptional()
  @IsIn(CONTENT_LANGUAGES)
  language?: ContentLanguage;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  tags?: string[];

  @Field(() => [String], { nullable: true, description: 'Codes of the library_theme codelist of the standard.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_]{1,64}$/, { each: true })
  themes?: string[];

  @Field(() => [String], { nullable: true, description: 'Ids of the statistics datasets the document uses.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z0-9_.-]{1,64}$/, { each: true })
  datasetIds?: string[];
}

@InputType()
export class CreateLibraryDocumentInput extends LibraryDocumentFieldsInput {}

@InputType()
export class UpdateLibraryDocumentInput extends LibraryDocumentFieldsInput {
  @Field()
  @IsUUID()
  id!: string;
}
