import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NodeRole } from '../../common/auth/principal';

export enum NodeRoleEnum {
  caseworker = 'caseworker',
  manager = 'manager',
  centre_admin = 'centre_admin',
}
registerEnumType(NodeRoleEnum, { name: 'NodeRole' });

@ObjectType('Session')
export class SessionModel {
  @Field({ description: 'Bearer token for the Authorization header' })
  accessToken!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => NodeRoleEnum)
  role!: NodeRole;

  @Field()
  centreId!: string;
}

@ObjectType('StaffAccount')
export class StaffAccountModel {
  @Field(() => ID)
  id!: string;

  @Field()
  username!: string;

  @Field()
  displayName!: string;

  @Field(() => NodeRoleEnum)
  role!: NodeRole;

  @Field()
  active!: boolean;

  @Field()
  createdAt!: Date;
}
