import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AuditEntryEntity } from './audit-entry.entity';

@Injectable()
export class AuditService {
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
