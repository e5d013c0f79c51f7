import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LogWindow, logPage } from '@paivand/nest-common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AuditEntryEntity } from './audit-entry.entity';

/** What the Association may search its audit log by (validated at the edge, AuditLogFilter). */
export interface AuditLogQuery extends LogWindow {
  readonly actorId?: string;
  readonly actorMemberId?: string;
  readonly action?: string;
  readonly objectType?: string;
  readonly objectId?: string;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The log, newest first, one page of it, and how many entries match. */
  search(q: AuditLogQuery): Promise<{ items: AuditEntryEntity[]; total: number }> {
    const { actorId, actorMemberId, action, objectType, objectId } = q;
    return logPage(this.db.getRepository(AuditEntryEntity).createQueryBuilder('l'), { actorId, actorMemberId, action, objectType, objectId }, q);
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
