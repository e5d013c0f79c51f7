import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { AuditEntryEntity } from './audit-entry.entity';

/** What the Association may search its audit log by (validated at the edge, AuditLogFilter). */
export interface AuditLogQuery {
  readonly actorId?: string;
  readonly actorMemberId?: string;
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

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The log, newest first, one page of it, and how many entries match. */
  async search(q: AuditLogQuery): Promise<{ items: AuditEntryEntity[]; total: number }> {
    if (q.from && q.to && q.from > q.to) {
      throw new HubError('BAD_USER_INPUT', 'Invalid input: to', { reason: 'VALIDATION_FAILED', fields: [{ field: 'to', code: 'DATE_ORDER', messages: ['to must not be before from'] }] });
    }
    const qb = this.db.getRepository(AuditEntryEntity).createQueryBuilder('l');
    if (q.actorId) qb.andWhere('l.actorId = :actor', { actor: q.actorId });
    if (q.actorMemberId) qb.andWhere('l.actorMemberId = :member', { member: q.actorMemberId });
    if (q.action) qb.andWhere('l.action = :action', { action: q.action });
    if (q.objectType) qb.andWhere('l.objectType = :type', { type: q.objectType });
    if (q.objectId) qb.andWhere('l.objectId = :object', { object: q.objectId });
    if (q.from) qb.andWhere('l.at >= :from', { from: q.from });
    // times are shown to the millisecond; the log keeps microseconds: `to` takes in its whole millisecond
    if (q.to) qb.andWhere("l.at < CAST(:to AS timestamptz) + interval '1 millisecond'", { to: q.to });
    const [items, total] = await qb.orderBy('l.id', 'DESC').take(q.first).skip(q.offset).getManyAndCount();
    return { items, total };
  }

  /** Writes one audit row inside the caller's transaction, so the row and the write stand or fall together. */
  async record(
    tx: EntityManager,
    actor: Principal | null,
    action: string,
    objectType: string,
    objectId: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await tx.getRepository(AuditEntryEntity).insert({
      actorKind: actor ? actor.kind : 'system',
      actorId: actor ? actor.id : null,
      actorMemberId: actor ? actor.memberId : null,
      action,
      objectType,
      objectId,
      details: details as never,
    });
  }
}
