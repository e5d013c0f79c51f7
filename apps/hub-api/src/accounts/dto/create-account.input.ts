import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { HUB_ROLES, HubRole } from '../../common/auth/principal';
import { HubRoleEnum } from '../models/session.model';

@InputType()
export class CreateAccountInput {
  @Field()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @Field()
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(256)
  password!: string;

  @Field(() => HubRoleEnum)
  @IsIn(HUB_ROLES)
  role!: HubRole;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  memberId?: string;
}
