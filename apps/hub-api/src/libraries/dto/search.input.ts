import { Field, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import {
  CONTENT_LANGUAGES,
  ContentLanguage,
  ContentLanguageEnum,
  LIBRARY_KINDS,
  LIBRARY_SHELVES,
  LibraryKind,
  LibraryKindEnum,
  LibraryShelf,
  LibraryShelfEnum,
  VERSION_STATUSES,
  VersionStatus,
  VersionStatusEnum,
} from '../library-codes';
import { IsLibraryTheme } from './library-validators';

export const MAX_PAGE_SIZE = 50;

@InputType()
export class LibraryFilterInput {
  @Field(() => LibraryShelfEnum, { nullable: true }) @IsOptional() @IsIn(LIBRARY_SHELVES) shelf?: LibraryShelf;
  @Field(() => LibraryKindEnum, { nullable: true }) @IsOptional() @IsIn(LIBRARY_KINDS) kind?: LibraryKind;
  @Field({ nullable: true, description: 'A code of the library_theme codelist.' })
  @IsOptional()
  @IsString()
  @IsLibraryTheme()
  theme?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1950) @Max(2100) year?: number;
  @Field({ nullable: true }) @IsOptional() @IsUUID() organisationMemberId?: string;
  @Field({ nullable: true, description: 'Outside organisation, matched case-insensitively.' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  organisationName?: string;
  @Field(() => ContentLanguageEnum, { nullable: true }) @IsOptional() @IsIn(CONTENT_LANGUAGES) language?: ContentLanguage;
}

@InputType()
class PageInput {
  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  offset = 0;

  @Field(() => Int, { defaultValue: 20 })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit = 20;

  @Field(() => LibraryFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LibraryFilterInput)
  filter?: LibraryFilterInput;
}

@InputType()
export class SearchLibraryInput extends PageInput {
  @Field({ description: 'Words in Tajik, Russian or English; "quoted phrases", OR and -exclusion are understood.' })
  @IsString()
  @Length(1, 200)
  query!: string;
}

export enum LibraryScope {
  PUBLISHED = 'PUBLISHED',
  MINE = 'MINE',
  ALL = 'ALL',
}
registerEnumType(LibraryScope, {
  name: 'LibraryScope',
  description: 'PUBLISHED: what the caller may read; MINE: own documents in any status (latest version); ALL: every document (Association).',
});

@InputType()
export class ListLibraryDocumentsInput extends PageInput {
  @Field(() => LibraryScope, { defaultValue: LibraryScope.PUBLISHED })
  @IsIn(Object.values(LibraryScope))
  scope: LibraryScope = LibraryScope.PUBLISHED;

  @Field(() => VersionStatusEnum, { nullable: true, description: 'Status of the latest version (MINE and ALL), e.g. submitted for the review queue.' })
  @IsOptional()
  @IsIn(VERSION_STATUSES)
  status?: VersionStatus;
}
