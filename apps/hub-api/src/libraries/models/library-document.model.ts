import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  AccessLevel,
  AccessLevelEnum,
  ContentLanguage,
  ContentLanguageEnum,
  LibraryKind,
  LibraryKindEnum,
  LibraryShelf,
  LibraryShelfEnum,
  VersionStatus,
  VersionStatusEnum,
} from '../library-codes';

@ObjectType()
export class LocalizedText {
  @Field(() => String, { nullable: true }) tg!: string | null;
  @Field(() => String, { nullable: true }) ru!: string | null;
  @Field(() => String, { nullable: true }) en!: string | null;
}

@ObjectType()
export class LibraryFileModel {
  @Field() sha256!: string;
  @Field() fileName!: string;
  @Field({ description: 'Detected from the bytes.' }) contentType!: string;
  @Field(() => Int) sizeBytes!: number;
  @Field({ description: 'GET with the same bearer token; access is checked on every download.' }) downloadPath!: string;
}

@ObjectType({ description: 'What purgeLibraryFile erased.' })
export class PurgedLibraryFileModel {
  @Field() sha256!: string;
  @Field(() => Int) sizeBytes!: number;
  @Field(() => [ID], { description: 'Documents that held the file in some version.' }) documentIds!: string[];
  @Field(() => Int, { description: 'Versions the file was taken off (published ones included).' }) versions!: number;
}

/** One version of a document as the caller may see it (readers: the published one). */
@ObjectType('LibraryDocument')
export class LibraryDocumentModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) versionId!: string;
  @Field(() => Int) version!: number;
  @Field(() => VersionStatusEnum) status!: VersionStatus;
  @Field(() => Int, { nullable: true, description: 'The version readers see now, if any.' }) publishedVersion!: number | null;
  @Field(() => LibraryKindEnum) kind!: LibraryKind;
  @Field(() => [LibraryShelfEnum]) shelves!: LibraryShelf[];
  @Field(() => AccessLevelEnum) accessLevel!: AccessLevel;
  @Field(() => LocalizedText) title!: LocalizedText;
  @Field(() => LocalizedText) summary!: LocalizedText;
  @Field(() => [String]) authors!: string[];
  @Field(() => String, { nullable: true }) organisationMemberId!: string | null;
  @Field(() => String, { nullable: true }) organisationName!: string | null;
  @Field(() => Int) year!: number;
  @Field(() => ContentLanguageEnum) language!: ContentLanguage;
  @Field(() => [String]) tags!: string[];
  @Field(() => [String]) themes!: string[];
  @Field(() => [String]) datasetIds!: string[];
  @Field(() => String, { nullable: true, description: "Reviewer's note; shown to the author and the Association only." })
  reviewNote!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) submittedAt!: Date | null;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
}

@ObjectType()
export class LibraryDocumentPage {
  @Field(() => Int) total!: number;
  @Field(() => Int) offset!: number;
  @Field(() => Int) limit!: number;
  @Field(() => [LibraryDocumentModel]) items!: LibraryDocumentModel[];
}

@ObjectType()
export class LibrarySearchHit {
  @Field(() => LibraryDocumentModel) document!: LibraryDocumentModel;
  @Field(() => Float) rank!: number;
  @Field({ description: 'HTML-escaped excerpt with the matched words in <mark>…</mark>.' }) snippet!: string;
}

@ObjectType()
export class LibrarySearchResult {
  @Field(() => Int) total!: number;
  @Field(() => Int) offset!: number;
  @Field(() => Int) limit!: number;
  @Field(() => [LibrarySearchHit]) hits!: LibrarySearchHit[];
}
