import { Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IMPORT_FIELD_NAMES, ImportField } from '../import-fields';
import { IMPORT_FORMATS, ImportFormat } from '../import-job.entity';
import { CODED_FIELDS } from '../value-dictionary';

export enum ImportFormatEnum {
  csv = 'csv',
  xlsx = 'xlsx',
}
registerEnumType(ImportFormatEnum, { name: 'ImportFormat' });

@InputType()
export class ColumnMapEntry {
  @Field(() => String, { description: `An import field: ${IMPORT_FIELD_NAMES.join(', ')}` })
  @IsIn(IMPORT_FIELD_NAMES)
  field!: ImportField;

  @Field({ description: "The file's column header holding it" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  column!: string;
}

const VALUE_FIELDS = [...Object.keys(CODED_FIELDS), 'hasDisability', 'consentServices', 'consentReporting', 'reportedByOtherMember'];

@InputType()
export class ValueMapEntry {
  @Field({ description: `A coded or yes/no field: ${VALUE_FIELDS.join(', ')}` })
  @IsIn(VALUE_FIELDS)
  field!: string;

  @Field({ description: 'A word as written in the file' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  value!: string;

  @Field({ description: 'The code (or yes/no) it means' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  code!: string;
}

@InputType()
export class CreateImportInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  fileName!: string;

  @Field(() => ImportFormatEnum)
  @IsIn(IMPORT_FORMATS)
  format!: ImportFormat;

  @Field(() => [ColumnMapEntry], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ColumnMapEntry)
  columnMapping?: ColumnMapEntry[];

  @Field(() => [ValueMapEntry], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => ValueMapEntry)
  valueMapping?: ValueMapEntry[];
}

@InputType()
export class ImportIssuesInput {
  @Field(() => ID)
  @IsUUID()
  jobId!: string;

  @Field(() => Int, { defaultValue: 100 })
  @IsInt()
  @Min(1)
  @Max(500)
  first = 100;

  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  offset = 0;
}
