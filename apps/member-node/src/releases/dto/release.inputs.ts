import { Field, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { RELEASE_STATUSES, ReleaseStatus } from '../release.entity';

@InputType()
export class PrepareReleasesInput {
  @Field(() => String, { nullable: true, description: 'One closed SDMX period (2026-07, 2026-Q3); absent: every due period.' })
  @IsOptional()
  @Matches(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, { message: 'period must be an SDMX period' })
  period?: string;
}

@InputType()
export class ReleaseListInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(RELEASE_STATUSES)
  status?: ReleaseStatus;

  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(500)
  first: number = 50;
}

@InputType()
export class HoldReleaseInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
