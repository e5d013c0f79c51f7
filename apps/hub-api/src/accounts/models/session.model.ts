import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { HubRole } from '../../common/auth/principal';

export enum HubRoleEnum {
  association_admin = 'association_admin',
  member = 'member',
  researcher = 'researcher',
  ombudsman = 'ombudsman',
}
registerEnumType(HubRoleEnum, { name: 'HubRole' });

@ObjectType('Session')
export class SessionModel {
  @Field({ description: 'Bearer token for the Authorization header' })
  accessToken!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => HubRoleEnum)
  role!: HubRole;

  @Field(() => ID, { nullable: true })
  memberId!: string | null;

  @Field({
    description:
      'The password was set by the Association (a new account, a reset): until you set your own with changePassword, this session may only do that or read `me` (FORBIDDEN, reason PASSWORD_CHANGE_REQUIRED).',
  })
  mustChangePassword!: boolean;
}

@ObjectType('Account')
export class AccountModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => HubRoleEnum)
  role!: HubRole;

  @Field(() => ID, { nullable: true })
  memberId!: string | null;

  @Field()
  active!: boolean;

  @Field({ description: 'Still on a password the Association set: its holder has not chosen her own yet.' })
  mustChangePassword!: boolean;
}
