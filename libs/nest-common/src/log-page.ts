import { Field, InputType, Int } from '@nestjs/graphql';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ApiError } from './errors/api-error';

/** The time window and page of a log query (the node's access log, the hub's audit log), as GraphQL input. */
@InputType({ isAbstract: true })
export abstract class LogWindowInput {
  @Field({ nullable: true, description: 'From this moment, inclusive' })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field({ nullable: true, description: 'Up to this moment, inclusive' })
  @IsOptional()
  @IsDate()
  to?: Date;

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

export interface LogWindow {
  /** From this moment, inclusive. */
  readonly from?: Date;
  /** Up to this moment, inclusive (to the millisecond, as the log's times are shown). */
  readonly to?: Date;
  readonly first: number;
  readonly offset: number;
}

/**
 * One page of an append-only log with an `id` and an `at` column, newest first, and how many
 * entries match: `equal` holds column = value filters (unset values are left out), `q` the time
 * window (BAD_USER_INPUT when `to` is before `from`) and the page.
 */
export async function logPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  equal: Readonly<Record<string, string | undefined>>,
  q: LogWindow,
): Promise<{ items: T[]; total: number }> {
  if (q.from && q.to && q.from > q.to) {
    throw new ApiError('BAD_USER_INPUT', 'Invalid input: to', { reason: 'VALIDATION_FAILED', fields: [{ field: 'to', code: 'DATE_ORDER', messages: ['to must not be before from'] }] });
  }
  const a = qb.alias;
  for (const [column, value] of Object.entries(equal)) if (value) qb.andWhere(`${a}.${column} = :${column}`, { [column]: value });
  if (q.from) qb.andWhere(`${a}.at >= :from`, { from: q.from });
  // times are shown to the millisecond; the log keeps microseconds: `to` takes in its whole millisecond
  if (q.to) qb.andWhere(`${a}.at < CAST(:to AS timestamptz) + interval '1 millisecond'`, { to: q.to });
  const [items, total] = await qb.orderBy(`${a}.id`, 'DESC').take(q.first).skip(q.offset).getManyAndCount();
  return { items, total };
}
