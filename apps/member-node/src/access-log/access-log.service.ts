import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AccessLogEntity } from './access-log.entity';

export type AccessAction =
  | 'case.read'
  | 'case.create'
  | 'case.update'
  | 'register.export'
  | 'import.accept'
  | 'staff.create'
  | 'staff.reset_password'
  | 'staff.deactivate';

@Injectable()
export class AccessLogService {
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
