import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { AccessLogEntity } from './access-log.entity';

/** What the centre admin may search the log by (validated at the edge, AccessLogFilter). */
export interface AccessLogQuery {
  readonly actorId?: string;
  readonly action?: string;
  readonly objectType?: string;
  readonly objectId?: string;
  /** From this moment, inclusive. */
  readonly from?: Date;
  /** Up to this moment, inclusive (to the millisecond, as the log's times are shown). */
  readonly to?: Date;
  readonly first: number;
  readonly offset: number;
}

export type AccessAction =
  | 'case.read'
  /** A read of a case this centre does not have (an id or a code that names none). */
  | 'case.read_failed'
  /** An operation the signed-in account's role may not perform (objectType `operation`, objectId its name). */
  | 'access.denied'
  | 'case.create'
  | 'case.update'
  | 'register.export'
  | 'import.accept'
  | 'staff.create'
  | 'staff.reset_password'
  | 'staff.deactivate'
  | 'staff.reactivate'
  | 'staff.change_role'
  | 'staff.change_password';

@Injectable()
export class AccessLogService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The centre's log, newest first, one page of it, and how many entries match. */
  async search(p: Principal, q: AccessLogQuery): Promise<{ items: AccessLogEntity[]; total: number }> {
    if (q.from && q.to && q.from > q.to) {
      throw new NodeError('BAD_USER_INPUT', 'Invalid input: to', { reason: 'VALIDATION_FAILED', fields: [{ field: 'to', code: 'DATE_ORDER', messages: ['to must not be before from'] }] });
    }
    const qb = this.db.getRepository(AccessLogEntity).createQueryBuilder('l').where('l.centreId = :centre', { centre: p.centreId });
    if (q.actorId) qb.andWhere('l.actorId = :actor', { actor: q.actorId });
    if (q.action) qb.andWhere('l.action = :action', { action: q.action });
    if (q.objectType) qb.andWhere('l.objectType = :type', { type: q.objectType });
    if (q.objectId) qb.andWhere('l.objectId = :object', { object: q.objectId });
    if (q.from) qb.andWhere('l.at >= :from', { from: q.from });
    // times are shown to the millisecond; the log keeps microseconds: `to` takes in its whole millisecond
    if (q.to) qb.andWhere("l.at < CAST(:to AS timestamptz) + interval '1 millisecond'", { to: q.to });
    const [items, total] = await qb.orderBy('l.id', 'DESC').take(q.first).skip(q.offset).getManyAndCount();
    return { items, total };
  }

  /** Writes one row on its own (not in a transaction that is about to roll back): a failed or denied read. */
  recordAttempt(actor: Principal, action: 'case.read_failed' | 'access.denied', objectType: string, objectId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    return this.record(this.db.manager, actor, actor.centreId, action, objectType, objectId, details);
  }

  /** Writes one row inside the caller's transaction, so the row and the access stand or fall together. */
  async record(
    tx: EntityManager,
    actor: Principal | null,
    centreId: string,
    action: AccessAction,
    objectType: string,
    objectId: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await tx.getRepository(AccessLogEntity).insert({
      centreId,
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? null,
      action,
      objectType,
      objectId,
      details: details as never,
    });
  }

  /** One row per object read (a list read logs every case it showed). */
  async recordMany(tx: EntityManager, actor: Principal, action: AccessAction, objectType: string, objectIds: string[]): Promise<void> {
    if (objectIds.length === 0) return;
    await tx
      .getRepository(AccessLogEntity)
      .insert(objectIds.map((objectId) => ({ centreId: actor.centreId, actorId: actor.id, actorRole: actor.role, action, objectType, objectId, details: {} as never })));
  }
}
