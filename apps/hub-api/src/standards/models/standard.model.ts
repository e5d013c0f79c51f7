import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('Labels')
export class LabelsModel {
  @Field() tg!: string;
  @Field() ru!: string;
  @Field() en!: string;
}

@ObjectType('Code')
export class CodeModel {
  @Field() code!: string;
  @Field(() => LabelsModel) labels!: LabelsModel;
  @Field(() => String, { nullable: true }) parent!: string | null;
}

@ObjectType('Codelist')
export class CodelistModel {
  @Field() id!: string;
  @Field(() => LabelsModel) name!: LabelsModel;
  @Field(() => String, { nullable: true }) parentCodelist!: string | null;
  @Field(() => [CodeModel]) codes!: CodeModel[];
}

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
