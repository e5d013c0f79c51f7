import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

const PERIOD = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

@InputType()
export class DimensionFilterInput {
  @Field()
  @IsString()
  @MaxLength(64)
  dimension!: string;

  @Field(() => [String])
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  codes!: string[];
}

@InputType()
export class StatisticsQueryInput {
  @Field()
  @IsString()
  @MaxLength(100)
  datasetId!: string;

  @Field({ description: 'First period (SDMX, of the dataset period type)' })
  @Matches(PERIOD, { message: 'from must be an SDMX period' })
  from!: string;

  @Field()
  @Matches(PERIOD, { message: 'to must be an SDMX period' })
  to!: string;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  groupBy: string[] = [];

  @Field(() => [DimensionFilterInput], { defaultValue: [] })
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  @Type(() => DimensionFilterInput)
  filters: DimensionFilterInput[] = [];

  @Field(() => Boolean, { defaultValue: false, description: 'One cell per period (a time series) instead of the sum over the range' })
  @IsBoolean({ message: '$property must be true or false' })
  byPeriod = false;

  @Field(() => Boolean, { defaultValue: false, description: 'Per-member figures (Association only)' })
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  byMember = false;
}

@InputType()
export class CompletenessInput {
  @Field()
  @IsString()
  @MaxLength(100)
  datasetId!: string;

  @Field()
  @Matches(PERIOD, { message: 'from must be an SDMX period' })
  from!: string;

  @Field()
  @Matches(PERIOD, { message: 'to must be an SDMX period' })
  to!: string;
}
