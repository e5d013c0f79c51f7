import { Field, ID, InputType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { HUB_ROLES, HubRole } from '../../common/auth/principal';
import { HubRoleEnum } from '../models/session.model';

@InputType()
export class AccountsFilterInput {
  @Field(() => HubRoleEnum, { nullable: true })
  @IsOptional()
  @IsIn(HUB_ROLES)
  role?: HubRole;
}

@InputType()
export class ResetPasswordInput {
  @Field(() => ID)
  @IsUUID()
  accountId!: string;

  @Field({ description: 'The new password, to hand to the account holder; their earlier sessions end' })
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(256)
  password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @Field()
  @IsString()
  @MinLength(12, { message: 'newPassword must be at least 12 characters' })
  @MaxLength(256)
  newPassword!: string;
}
