import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Member')
export class MemberModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  centreType!: string;

  @Field()
  region!: string;

  @Field(() => String, { nullable: true })
  district!: string | null;

  @Field()
  contactEmail!: string;

  @Field({ description: 'applied | admitted | refused | suspended' })
  status!: string;

  @Field()
  appliedAt!: Date;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;
}

@ObjectType('NodeCredentials', { description: 'Shown once: the hub keeps only a hash of the secret.' })
export class NodeCredentialsModel {
  @Field()
  clientId!: string;

  @Field()
  clientSecret!: string;
}

@ObjectType('MemberKey')
export class MemberKeyModel {
  @Field()
  keyId!: string;

  @Field(() => ID)
  memberId!: string;

  @Field({ description: 'SPKI PEM' })
  publicKey!: string;

  @Field()
  active!: boolean;
}

@ObjectType('Admission')
export class AdmissionModel {
  @Field(() => MemberModel)
  member!: MemberModel;

  @Field(() => NodeCredentialsModel)
  credentials!: NodeCredentialsModel;

  @Field(() => MemberKeyModel)
  key!: MemberKeyModel;
}

@ObjectType('NodeSession')
export class NodeSessionModel {
  @Field()
  accessToken!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => ID)
  memberId!: string;
}
