import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ImportJob')
export class ImportJobModel {
  @Field(() => ID)
  id!: string;

  @Field()
  fileName!: string;

  @Field()
  format!: string;

  @Field({ description: 'created | validating | validated | accepted | discarded | failed | duplicate_file' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Why the whole file was refused (a code, with field names)' })
  failure!: string | null;

  @Field(() => String, { nullable: true, description: 'sha256 of the file' })
  contentHash!: string | null;

  @Field(() => Float, { nullable: true })
  bytesTotal!: number | null;

  @Field(() => Float)
  bytesProcessed!: number;

  @Field(() => Float, { nullable: true, description: 'Share of the file read so far, 0..1 (when its size is known)' })
  progress!: number | null;

  @Field(() => Int)
  rowsProcessed!: number;

  @Field(() => Int)
  rowsValid!: number;

  @Field(() => Int)
  rowsInvalid!: number;

  @Field(() => Int, { description: 'Rows already in the register or repeated in the file (not imported again)' })
  rowsDuplicate!: number;

  @Field(() => Int)
  rowsImported!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType('ImportIssue')
export class ImportIssueModel {
  @Field(() => Int, { description: 'Row number as a spreadsheet shows it (header = 1)' })
  row!: number;

  @Field({ description: 'Import field' })
  field!: string;

  @Field({ description: "The file's column header" })
  column!: string;

  @Field({ description: 'Reason code, e.g. REQUIRED, UNKNOWN_VALUE, INVALID_DATE, DATE_ORDER, ALREADY_IN_REGISTER' })
  reason!: string;
}

@ObjectType('ImportIssuePage')
export class ImportIssuePageModel {
  @Field(() => [ImportIssueModel])
  items!: ImportIssueModel[];

  @Field(() => Int)
  total!: number;
}
