import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import type { ImportSummary } from '@paivand/schema';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { BackoffPolicy, backoffDelayMs } from '../federation/backoff';
import { BACKOFF_POLICY, HUB_CLIENT } from '../federation/federation.providers';
import { HubClient, HubUnavailableError } from '../federation/hub-client';
import { ReleaseEntity } from '../releases/release.entity';
import { OutboxEntity } from './outbox.entity';

export interface PushStats {
  delivered: number;
  refused: number;
  failed: number;
  /** Attempts that found the hub unreachable (the row waits for its backoff). */
  unreachable: number;
  /** Rows still pending after this run. */
  pending: number;
}

type Attempt = 'delivered' | 'refused' | 'failed' | 'unreachable' | 'none';

/** What `requeue` did with one release: put its failed row back in the queue, or why not. */
export type RequeueOutcome = 'requeued' | 'not_retryable' | 'not_in_outbox';

/**
 * Drains the outbox: one due row at a time, locked with FOR UPDATE SKIP LOCKED (several
 * node processes never send the same row at once), sent as stored, with exponential
 * backoff and full jitter while the hub is unreachable. A refused release (ERROR summary)
 * is marked refused with its conflicts and not retried. The hub ignores an identical
 * resend, so a crash between the hub's answer and our commit does not count twice.
 */
/** The most outbox rows one listing shows. */
export const MAX_OUTBOX_PAGE = 500;

@Injectable()
export class OutboxPusher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(OutboxPusher.name);
  private inFlight: Promise<PushStats> | null = null;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CLIENT) private readonly hub: HubClient | null,
    @Inject(BACKOFF_POLICY) private readonly backoff: BackoffPolicy,
    private readonly config: NodeConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.FEDERATION_JOBS || !this.hub) return;
    this.scheduler.addInterval(
      'outbox-push',
      setInterval(() => void this.pushDue().catch((err: unknown) => this.log.error(`outbox push failed: ${err instanceof Error ? err.name : 'error'}`)), this.config.OUTBOX_PUSH_INTERVAL_MS),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.inFlight?.catch(() => undefined);
  }

  /** Sends due rows until none is due or the hub is unreachable. Concurrent calls share one run. */
  pushDue(maxRows = 1000): Promise<PushStats> {
    this.inFlight ??= this.run(maxRows).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async run(maxRows: number): Promise<PushStats> {
    const stats: PushStats = { delivered: 0, refused: 0, failed: 0, unreachable: 0, pending: 0 };
    if (!this.hub) throw new HubUnavailableError('HUB_URL, HUB_CLIENT_ID and HUB_CLIENT_SECRET are not configured', false);
    for (let i = 0; i < maxRows && !this.stopping; i++) {
      const outcome = await this.pushOne(this.hub);
      if (outcome === 'none') break;
      stats[outcome]++;
      if (outcome === 'unreachable') break;
    }
    const [{ n }] = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM release_outbox WHERE status = 'pending'`);
    stats.pending = n;
    return stats;
  }

  private async pushOne(hub: HubClient): Promise<Attempt> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; release_id: string; body: string; attempts: number }[] = await tx.query(
        `SELECT o.id, o.release_id, o.body, o.attempts FROM release_outbox o
          WHERE o.status = 'pending' AND o.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM release_outbox p WHERE p.status = 'pending' AND p.dataset_id = o.dataset_id AND p.period = o.period AND p.revision < o.revision)
          ORDER BY o.created_at, o.revision
          LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 'none';
      const row = rows[0];
      const outbox = tx.getRepository(OutboxEntity);
      let summary: ImportSummary;
      try {
        summary = await hub.submit(row.body);
      } catch (err) {
        if (!(err instanceof HubUnavailableError)) throw err;
        const attempts = row.attempts + 1;
        if (!err.retryable) {
          await outbox.update(row.id, { status: 'failed', attempts, lastError: err.message });
          this.log.error(`push refused before validation (${err.status ?? '-'}); release ${row.release_id} needs an operator`);
          return 'failed';
        }
        const delay = backoffDelayMs(attempts - 1, this.backoff);
        await outbox.update(row.id, { attempts, lastError: err.message, nextAttemptAt: new Date(Date.now() + delay) });
        this.log.warn(`hub unreachable; retrying release ${row.release_id} in ${delay} ms (attempt ${attempts})`);
        return 'unreachable';
      }
      const refused = summary.status === 'ERROR';
      await outbox.update(row.id, { status: refused ? 'refused' : 'delivered', attempts: row.attempts + 1, summary, lastError: null, deliveredAt: new Date() });
      await tx.getRepository(ReleaseEntity).update(row.release_id, { status: refused ? 'refused' : 'pushed' });
      if (refused) this.log.warn(`hub refused release ${row.release_id}: ${summary.conflicts.map((c) => c.code).join(', ')}`);
      return refused ? 'refused' : 'delivered';
    });
  }

  /** The latest `first` rows, newest first (callers check 1 <= first <= MAX_OUTBOX_PAGE). */
  async list(first: number): Promise<OutboxEntity[]> {
    return this.db.getRepository(OutboxEntity).find({ order: { createdAt: 'DESC' }, take: first });
  }

  /**
   * Puts `failed` rows (the hub refused them before validation: credentials, a body it
   * could not read) and `refused` ones (the hub's summary said ERROR, e.g. the member was
   * suspended) back in the queue, due now, once an operator has fixed the cause. The body
   * is resent exactly as signed; the hub ignores an identical resend of an accepted
   * release, so a retry never counts a release twice, and a release the hub refuses on
   * its merits is simply refused again. Pending and delivered rows are left alone.
   */
  async requeue(releaseIds: readonly string[], actor: string): Promise<{ releaseId: string; outcome: RequeueOutcome }[]> {
    const ids = [...new Set(releaseIds)];
    if (ids.length === 0 || ids.length > 500 || !ids.every((id) => isUUID(id))) {
      throw new NodeError('BAD_USER_INPUT', 'releaseIds must be 1 to 500 release ids (UUIDs)', { field: 'releaseIds' });
    }
    const requeued = await this.db.transaction(async (tx) => {
      // TypeORM answers an UPDATE ... RETURNING on Postgres with [rows, affected]
      const [rows] = await tx.query<[{ release_id: string }[], number]>(
        `UPDATE release_outbox SET status = 'pending', next_attempt_at = now(), last_error = NULL
          WHERE release_id = ANY($1::uuid[]) AND status IN ('failed', 'refused') RETURNING release_id`,
        [ids],
      );
      await tx.query(`UPDATE releases SET status = 'approved' WHERE id = ANY($1::uuid[]) AND status = 'refused'`, [rows.map((r) => r.release_id)]);
      return rows;
    });
    const known = await this.db.query<{ release_id: string }[]>(`SELECT release_id FROM release_outbox WHERE release_id = ANY($1::uuid[])`, [ids]);
    const done = new Set(requeued.map((r) => r.release_id));
    const inOutbox = new Set(known.map((r) => r.release_id));
    if (done.size > 0) this.log.log(`${done.size} failed or refused release(s) requeued by ${actor}`);
    return ids.map((releaseId) => ({ releaseId, outcome: done.has(releaseId) ? 'requeued' : inOutbox.has(releaseId) ? 'not_retryable' : 'not_in_outbox' }));
  }
}
