import { applyDecorators } from '@nestjs/common';
import { Field, ID, InputType } from '@nestjs/graphql';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateBy, ValidationOptions } from 'class-validator';
import { NODE_ROLES, NodeRole } from '../../common/auth/principal';
import { NodeRoleEnum } from '../models/staff.model';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
/** A password is more than blanks. */
const NOT_BLANK = /\S/;
const NOT_BLANK_MESSAGE = { message: 'password must not be blanks only' };

/** A new password as the node accepts one: 12 to 256 characters, not blanks only. */
function IsNewPassword(): PropertyDecorator {
  return applyDecorators(IsString(), MinLength(12, { message: 'password must be at least 12 characters' }), MaxLength(256), Matches(NOT_BLANK, NOT_BLANK_MESSAGE));
}

/** Whether a password is the account's own username (whatever its case or surrounding blanks). */
export function isTheUsername(password: string, username: string): boolean {
  return password.trim().toLowerCase() === username.trim().toLowerCase();
}

/** The password is not the account's own username (isTheUsername). */
function IsNotTheUsername(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotTheUsername',
      validator: {
        validate: (value: unknown, args) => {
          const username = (args?.object as { username?: unknown }).username;
          return typeof value !== 'string' || typeof username !== 'string' || !isTheUsername(value, username);
        },
        defaultMessage: () => 'password must not be the username',
      },
    },
    options,
  );
}

@InputType()
export class LoginInput {
  @Field()
  @IsString()
  @MaxLength(64)
  username!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

@InputType()
export class CreateStaffInput {
  @Field({ description: 'Lower-case login name, 3-64 of a-z 0-9 . _ -' })
  @Matches(USERNAME, { message: 'username must be 3-64 lower-case letters, digits, dots, dashes or underscores' })
  username!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @Field()
  @IsNewPassword()
  @IsNotTheUsername()
  password!: string;

  @Field(() => NodeRoleEnum)
  @IsIn(NODE_ROLES)
  role!: NodeRole;
}

@InputType()
export class ResetPasswordInput {
  @Field(() => ID)
  @IsUUID()
  accountId!: string;

  @Field()
  @IsNewPassword()
  newPassword!: string;
}

@InputType()
export class ChangeMyPasswordInput {
  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @Field()
  @IsNewPassword()
  newPassword!: string;
}

@InputType()
export class ReactivateStaffInput {
  @Field(() => ID)
  @IsUUID()
  accountId!: string;

  @Field({ description: 'A new password for the returning member of staff: tokens from before the deactivation stay dead.' })
  @IsNewPassword()
  newPassword!: string;
}

@InputType()
export class ChangeStaffRoleInput {
  @Field(() => ID)
  @IsUUID()
  accountId!: string;

  @Field(() => NodeRoleEnum)
  @IsIn(NODE_ROLES)
  role!: NodeRole;
}
