import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ImportCounts')
export class ImportCountsModel {
  @Field(() => Int) imported!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) ignored!: number;
  @Field(() => Int) rejected!: number;
}

@ObjectType('ImportConflict')
export class ImportConflictModel {
  @Field({ description: 'One of IMPORT_ERROR_CODES of @paivand/schema' }) code!: string;
  @Field() object!: string;
  @Field() message!: string;
  @Field(() => [Int]) cellIndexes!: number[];
}

@ObjectType('ImportReference')
export class ImportReferenceModel {
  @Field() memberId!: string;
  @Field() datasetId!: string;
  @Field() period!: string;
  @Field(() => Int) revision!: number;
}

@ObjectType('ImportSummary')
export class ImportSummaryModel {
  @Field({ description: 'SUCCESS | WARNING | ERROR' }) status!: string;
  @Field() description!: string;
  @Field() dryRun!: boolean;
  @Field(() => ImportCountsModel) counts!: ImportCountsModel;
  @Field(() => [ImportConflictModel]) conflicts!: ImportConflictModel[];
  @Field(() => ImportReferenceModel) reference!: ImportReferenceModel;
  @Field(() => ID, { nullable: true }) submissionId!: string | null;
  @Field(() => Int, { nullable: true, description: 'With REVISION_CONFLICT: the highest revision of this period the hub holds for the member (send one above it).' })
  hubRevision!: number | null;
}

@ObjectType('Submission')
export class SubmissionModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) memberId!: string;
  @Field() datasetId!: string;
  @Field() period!: string;
  @Field(() => Int) revision!: number;
  @Field() schemaVersion!: string;
  @Field() contentHash!: string;
  @Field() isCurrent!: boolean;
  @Field(() => Int) cellCount!: number;
  @Field() receivedAt!: Date;
}
