import { Field, InputType, Int, PartialType } from '@nestjs/graphql';
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
import { HasSomeTitle, IsDatasetId, IsLibraryTheme, NotWith } from './library-validators';

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

/**
 * A new document. The schema marks what the server needs; the rest may be left out (a
 * member's document is its own organisation's, lists start empty). Every rule that does
 * not depend on the caller is checked here, at the edge, so that one request learns all
 * its problems in one error (checkFields adds the caller's organisation rules).
 */
@InputType()
export class CreateLibraryDocumentInput {
  @Field(() => LibraryKindEnum)
  @IsIn(LIBRARY_KINDS)
  kind!: LibraryKind;

  @Field(() => AccessLevelEnum)
  @IsIn(ACCESS_LEVELS)
  accessLevel!: AccessLevel;

  @Field(() => LocalizedTitleInput, { description: 'At least one of tg, ru, en.' })
  @HasSomeTitle()
  @ValidateNested()
  @Type(() => LocalizedTitleInput)
  title!: LocalizedTitleInput;

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

  @Field({
    nullable: true,
    description: "The member organisation that produced the document, or organisationName for an outside one (one of the two; on creation a member's own when neither is given).",
  })
  @IsOptional()
  @IsUUID()
  @NotWith('organisationName', { message: 'give either a member organisation or an outside organisation name, not both' })
  organisationMemberId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  organisationName?: string;

  @Field(() => Int)
  @IsInt()
  @Min(1950)
  @Max(MAX_YEAR)
  year!: number;

  @Field(() => ContentLanguageEnum, { description: 'Language of the content (of the attached files).' })
  @IsIn(CONTENT_LANGUAGES)
  language!: ContentLanguage;

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
  @IsLibraryTheme({ each: true })
  themes?: string[];

  @Field(() => [String], { nullable: true, description: 'Ids of the statistics datasets the document uses.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsDatasetId({ each: true })
  datasetIds?: string[];
}

/** Metadata of a document, every field optional (what an update may name). */
export type LibraryDocumentFields = Partial<CreateLibraryDocumentInput>;

/** An edit: only the given fields change (the same rules as on creation). */
@InputType()
export class UpdateLibraryDocumentInput extends PartialType(CreateLibraryDocumentInput) {
  @Field()
  @IsUUID()
  id!: string;
}
