import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('StatCell')
export class StatCellModel {
  @Field(() => String, { nullable: true, description: 'The period (null when the cell sums the whole range)' })
  period!: string | null;

  @Field(() => ID, { nullable: true, description: 'Only in per-member figures' })
  memberId!: string | null;

  @Field(() => [String], { description: 'Codes of the group-by dimensions, in their order' })
  key!: string[];

  @Field(() => Int, { nullable: true })
  value!: number | null;

  @Field({ description: 'SDMX OBS_STATUS: A normal, E estimated (a differential-privacy dataset: the members\' figures carry noise), Q missing for confidentiality, M missing (nobody reported the period)' })
  obsStatus!: string;

  @Field({ description: 'SDMX CONF_STATUS: F free, D suppressed by a sender, S suppressed by the hub' })
  confStatus!: string;
}

@ObjectType('StatisticsTable')
export class StatisticsTableModel {
  @Field() datasetId!: string;
  @Field({ description: 'association | member | combined | public' }) audience!: string;
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => [String]) groupBy!: string[];
  @Field(() => [StatCellModel]) cells!: StatCellModel[];
}

@ObjectType('CompletenessCell')
export class CompletenessCellModel {
  @Field(() => ID) memberId!: string;
  @Field() memberName!: string;
  @Field() period!: string;
  @Field({ description: 'on_time | late | missing | not_due | before_admission (due before the member was admitted: nothing was owed)' }) status!: string;
  @Field(() => Date, { nullable: true }) firstReceivedAt!: Date | null;
  @Field() dueAt!: Date;
  @Field(() => Int, { nullable: true }) revision!: number | null;
}
