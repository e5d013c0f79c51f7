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

  @Field({
    description:
      'The password was set by the centre admin (a new account, a reset): until you set your own with changeMyPassword, this session may only do that, read `me`, or sign out (FORBIDDEN, reason PASSWORD_CHANGE_REQUIRED).',
  })
  mustChangePassword!: boolean;
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

  @Field({ description: 'Still on a password the centre admin set: she has not chosen her own yet.' })
  mustChangePassword!: boolean;

  @Field()
  createdAt!: Date;
}
