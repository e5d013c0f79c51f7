import { Args, Field, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { LogWindowInput } from '@paivand/nest-common';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { Roles } from '../common/auth/roles.decorator';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field({ description: 'user | node | system' })
  actorKind!: string;

  @Field(() => ID, { nullable: true, description: "The account's id, or the node's client id" })
  actorId!: string | null;

  @Field(() => ID, { nullable: true })
  actorMemberId!: string | null;

  @Field()
  action!: string;

  @Field()
  objectType!: string;

  @Field(() => ID, { nullable: true })
  objectId!: string | null;

  @Field(() => GraphQLJSON, { description: 'What the action recorded beside it (codes, ids, counts; never a password or a secret)' })
  details!: Record<string, unknown>;
}

@ObjectType('AuditLogPage')
export class AuditLogPageModel {
  @Field(() => [AuditEntryModel])
  items!: AuditEntryModel[];

  @Field(() => Int)
  total!: number;
}

@InputType()
export class AuditLogFilter extends LogWindowInput {
  @Field(() => ID, { nullable: true, description: "An account's id or a node's client id" })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  actorId?: string;

  @Field(() => ID, { nullable: true, description: 'What one member (its people and its node) did' })
  @IsOptional()
  @IsUUID()
  actorMemberId?: string;

  @Field({ nullable: true, description: 'e.g. member.admit, standard.publish, statistics.export' })
  @IsOptional()
  @Matches(/^[a-z_.]{1,40}$/)
  action?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsIn(['member', 'account', 'standard', 'submission', 'library_document', 'statistics', 'completeness'])
  objectType?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  objectId?: string;
}

function toModel(e: AuditEntryEntity): AuditEntryModel {
  return { id: e.id, at: e.at, actorKind: e.actorKind, actorId: e.actorId, actorMemberId: e.actorMemberId, action: e.action, objectType: e.objectType, objectId: e.objectId, details: e.details };
}

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Roles('association_admin')
  @Query(() => AuditLogPageModel, { description: "The hub's audit log, newest first: every write and every export, who did it and when (Association only)." })
  async auditLog(@Args('filter', { nullable: true }) filter?: AuditLogFilter): Promise<AuditLogPageModel> {
    const { items, total } = await this.audit.search(filter ?? new AuditLogFilter());
    return { items: items.map(toModel), total };
  }
}
