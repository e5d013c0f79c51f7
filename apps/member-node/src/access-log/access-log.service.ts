import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LogWindow, logPage } from '@paivand/nest-common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AccessLogEntity } from './access-log.entity';

/** What the centre admin may search the log by (validated at the edge, AccessLogFilter). */
export interface AccessLogQuery extends LogWindow {
  readonly actorId?: string;
  readonly action?: string;
  readonly objectType?: string;
  readonly objectId?: string;
}

export type AccessAction =
  | 'case.read'
  /** A read of a case this centre does not have (an id or a code that names none). */
  | 'case.read_failed'
  /** An operation the signed-in account's role may not perform (objectType `operation`, objectId its name). */
  | 'access.denied'
  | 'case.create'
  | 'case.update'
  /** An incident entered in error, removed by a manager with its services and referrals (ids and counts only). */
  | 'case.delete'
  | 'register.export'
  | 'import.accept'
  | 'staff.create'
  | 'staff.reset_password'
  | 'staff.deactivate'
  | 'staff.reactivate'
  | 'staff.change_role'
  | 'staff.change_password'
  | 'staff.sign_out';

/** The object types access-log rows name, and the filter takes (deleteService and deleteReferral wrote `service` and `referral`, which the filter refused). */
export const ACCESS_LOG_OBJECT_TYPES = ['client', 'incident', 'service', 'referral', 'consultation', 'register', 'import_job', 'staff_account', 'operation'] as const;
export type AccessObjectType = (typeof ACCESS_LOG_OBJECT_TYPES)[number];

@Injectable()
export class AccessLogService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The centre's log, newest first, one page of it, and how many entries match. */
  search(p: Principal, q: AccessLogQuery): Promise<{ items: AccessLogEntity[]; total: number }> {
    const qb = this.db.getRepository(AccessLogEntity).createQueryBuilder('l').where('l.centreId = :centre', { centre: p.centreId });
    return logPage(qb, { actorId: q.actorId, action: q.action, objectType: q.objectType, objectId: q.objectId }, q);
  }

  /** Writes one row on its own (not in a transaction that is about to roll back): a failed or denied read. */
  recordAttempt(actor: Principal, action: 'case.read_failed' | 'access.denied', objectType: AccessObjectType, objectId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    return this.record(this.db.manager, actor, actor.centreId, action, objectType, objectId, details);
  }

  /** Writes one row inside the caller's transaction, so the row and the access stand or fall together. */
  async record(
    tx: EntityManager,
    actor: Principal | null,
    centreId: string,
    action: AccessAction,
    objectType: AccessObjectType,
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
  async recordMany(tx: EntityManager, actor: Principal, action: AccessAction, objectType: AccessObjectType, objectIds: string[]): Promise<void> {
    if (objectIds.length === 0) return;
    await tx
      .getRepository(AccessLogEntity)
      .insert(objectIds.map((objectId) => ({ centreId: actor.centreId, actorId: actor.id, actorRole: actor.role, action, objectType, objectId, details: {} as never })));
  }
}
