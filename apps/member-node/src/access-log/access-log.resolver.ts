import { Args, Field, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { LogWindowInput } from '@paivand/nest-common';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { AccessLogEntity } from './access-log.entity';
import { ACCESS_LOG_OBJECT_TYPES, AccessLogService } from './access-log.service';

@ObjectType('AccessLogEntry')
export class AccessLogEntryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorRole!: string | null;

  @Field()
  action!: string;

  @Field()
  objectType!: string;

  @Field(() => ID, { nullable: true })
  objectId!: string | null;
}

@ObjectType('AccessLogPage')
export class AccessLogPageModel {
  @Field(() => [AccessLogEntryModel])
  items!: AccessLogEntryModel[];

  @Field(() => Int)
  total!: number;
}

@InputType()
export class AccessLogFilter extends LogWindowInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,40}$/)
  action?: string;

  @Field({ nullable: true })
  @IsOptional()
  // every object type the log writes (the writers take only these; a test checks the rows the operations leave)
  @IsIn([...ACCESS_LOG_OBJECT_TYPES])
  objectType?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/)
  objectId?: string;
}

function toModel(e: AccessLogEntity): AccessLogEntryModel {
  return { id: e.id, at: e.at, actorId: e.actorId, actorRole: e.actorRole, action: e.action, objectType: e.objectType, objectId: e.objectId };
}

@Resolver()
export class AccessLogResolver {
  constructor(private readonly log: AccessLogService) {}

  @Roles('centre_admin')
  @Query(() => AccessLogPageModel, { description: 'Who read (or failed or was refused to read), changed or exported which case, newest first (centre admin only).' })
  async accessLog(@CurrentPrincipal() p: Principal, @Args('filter', { nullable: true }) filter?: AccessLogFilter): Promise<AccessLogPageModel> {
    const { items, total } = await this.log.search(p, filter ?? new AccessLogFilter());
    return { items: items.map(toModel), total };
  }
}
