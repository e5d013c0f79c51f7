import { Args, Field, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { AccessLogEntity } from './access-log.entity';

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
export class AccessLogFilter {
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
  @IsIn(['client', 'incident', 'register', 'import_job', 'staff_account'])
  objectType?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/)
  objectId?: string;

  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(200)
  first = 50;

  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  offset = 0;
}

function toModel(e: AccessLogEntity): AccessLogEntryModel {
  return { id: e.id, at: e.at, actorId: e.actorId, actorRole: e.actorRole, action: e.action, objectType: e.objectType, objectId: e.objectId };
}

@Resolver()
export class AccessLogResolver {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Roles('centre_admin')
  @Query(() => AccessLogPageModel, { description: 'Who read, changed or exported which case, newest first (centre admin only).' })
  async accessLog(@CurrentPrincipal() p: Principal, @Args('filter', { nullable: true }) filter?: AccessLogFilter): Promise<AccessLogPageModel> {
    const f = filter ?? new AccessLogFilter();
    const where: FindOptionsWhere<AccessLogEntity> = { centreId: p.centreId };
    if (f.actorId) where.actorId = f.actorId;
    if (f.action) where.action = f.action;
    if (f.objectType) where.objectType = f.objectType;
    if (f.objectId) where.objectId = f.objectId;
    const [rows, total] = await this.db.getRepository(AccessLogEntity).findAndCount({ where, order: { id: 'DESC' }, take: f.first, skip: f.offset });
    return { items: rows.map(toModel), total };
  }
}
