import { Field, Int, ObjectType } from '@nestjs/graphql';
import { CodelistModel, LabelsModel } from '@paivand/nest-common';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('Dimension')
export class DimensionModel {
  @Field() id!: string;
  @Field() codelist!: string;
  @Field(() => LabelsModel) label!: LabelsModel;
}

@ObjectType('Protection')
export class ProtectionModel {
  @Field() method!: string;
  @Field(() => Int) k!: number;
  @Field() structuralZeros!: boolean;
  @Field(() => Int) minContributors!: number;
}

@ObjectType('Dataset')
export class DatasetModel {
  @Field() id!: string;
  @Field(() => LabelsModel) title!: LabelsModel;
  @Field() unit!: string;
  @Field() periodType!: string;
  @Field(() => Int) dueDays!: number;
  @Field(() => [DimensionModel]) dimensions!: DimensionModel[];
  @Field(() => ProtectionModel) protection!: ProtectionModel;
  @Field() public!: boolean;
}

@ObjectType('StandardVersion')
export class StandardVersionModel {
  @Field() version!: string;
  @Field() isCurrent!: boolean;
  @Field() publishedAt!: Date;
  @Field(() => [CodelistModel]) codelists!: CodelistModel[];
  @Field(() => [DatasetModel]) datasets!: DatasetModel[];
  @Field(() => GraphQLJSON, { description: 'The whole document, as nodes pull it' })
  document!: unknown;
}
