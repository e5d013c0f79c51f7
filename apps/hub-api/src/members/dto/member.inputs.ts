import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { MEMBER_STATUSES, MemberStatus } from '../member.entity';

@InputType()
export class ApplyMemberInput {
  @Field()
  // checked as stored: trimmed ("   " is no name, and "a  " is stored as "a")
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  name!: string;

  @Field({ description: 'Code of the centre_type codelist' })
  @IsString()
  @MaxLength(64)
  centreType!: string;

  @Field({ description: 'Code of the region codelist (ISO 3166-2:TJ)' })
  @IsString()
  @MaxLength(16)
  region!: string;

  @Field({ nullable: true, description: 'Code of the district codelist, under the region' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  district?: string;

  @Field({ description: "The organisation's contact address" })
  @IsEmail()
  @MaxLength(254)
  contactEmail!: string;
}

@InputType()
export class AdmitMemberInput {
  @Field(() => ID)
  @IsUUID()
  memberId!: string;

  @Field({ description: "The node's Ed25519 public key: SPKI PEM or raw 32 bytes in base64" })
  @IsString()
  @MaxLength(1000)
  publicKey!: string;
}

@InputType()
export class RegisterKeyInput {
  @Field(() => ID)
  @IsUUID()
  memberId!: string;

  @Field()
  @IsString()
  @MaxLength(1000)
  publicKey!: string;
}

@InputType()
export class RevokeKeyInput {
  @Field(() => ID)
  @IsUUID()
  memberId!: string;

  @Field({ description: 'Key id as the hub gave it, e.g. ed25519:0123456789abcdef' })
  @IsString()
  @Matches(/^ed25519:[0-9a-f]{16}$/, { message: 'keyId is not a key id of the hub' })
  keyId!: string;
}

@InputType()
export class NodeTokenInput {
  @Field()
  @IsString()
  @Matches(/^node_[\w-]{8,64}$/, { message: 'clientId is not a node client id' })
  clientId!: string;

  @Field()
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  clientSecret!: string;
}

@InputType()
export class MembersFilterInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(MEMBER_STATUSES)
  status?: MemberStatus;
}
