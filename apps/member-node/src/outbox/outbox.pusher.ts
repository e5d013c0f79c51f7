import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { ImportSummary } from '@paivand/schema';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { BackoffPolicy, backoffDelayMs } from '../federation/backoff';
import { BACKOFF_POLICY, HUB_CLIENT, memberIdOf, SIGNING_KEY } from '../federation/federation.providers';
import { HubClient, HubUnavailableError } from '../federation/hub-client';
import type { NodeSigningKey } from '../federation/signing-key';
import { ReleaseEntity } from '../releases/release.entity';
import { periodLock, ReleasesService } from '../releases/releases.service';
import { OutboxEntity } from './outbox.entity';
import { payloadBytesOf, payloadMember, signedBody } from './signed-body';

export interface PushStats {
  delivered: number;
  refused: number;
  failed: number;
  /** Attempts that found the hub unreachable (the row waits for its backoff). */
  unreachable: number;
  /**
   * Rows not sent because of the node itself: an unexpected error (the row waits for its
   * backoff, so it holds up no other row) or a release no longer approved (the row is failed).
   */
  errors: number;
  /** Rows still pending after this run. */
  pending: number;
}

type Attempt = 'delivered' | 'refused' | 'failed' | 'unreachable' | 'errors' | 'none';

/** The most outbox rows one listing shows. */
export const MAX_OUTBOX_PAGE = 500;

/**
 * What `requeue` did with one release: put its failed or refused row back in the queue, or
 * why not: superseded (the release was replaced or went stale since: its row stays as it
 * is), stale (refused, and an overlapping release was approved while it was refused: it is
 * now stale, prepare the period again), blocked (refused differential-privacy table whose
 * year's budget was spent meanwhile), not_retryable (pending or delivered: left alone),
 * member_changed (the payload names another member than MEMBER_ID: prepare the period
 * again), busy (its period is being prepared: left alone, retry once it is done),
 * not_in_outbox (a release never approved), no_such_release.
 */
export type RequeueOutcome = 'requeued' | 'superseded' | 'stale' | 'blocked' | 'not_retryable' | 'member_changed' | 'busy' | 'not_in_outbox' | 'no_such_release';

/** What an unexpected error leaves in a row's last_error: its kind only (a driver's message may quote values). */
const faultOf = (err: unknown): string => `error on the node (${err instanceof Error ? err.name : 'unknown'}); retried after a backoff`;

/**
 * Drains the outbox: one due row at a time, locked with FOR UPDATE SKIP LOCKED (several
 * node processes never send the same row at once), sent as stored, with exponential
 * backoff and full jitter while the hub is unreachable. A refused release (ERROR summary)
 * is marked refused with its conflicts and not retried. The hub ignores an identical
 * resend, so a crash between the hub's answer and our commit does not count twice.
 */
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
    @Inject(SIGNING_KEY) private readonly key: NodeSigningKey | null,
    private readonly releases: ReleasesService,
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
    const stats: PushStats = { delivered: 0, refused: 0, failed: 0, unreachable: 0, errors: 0, pending: 0 };
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

  /**
   * Sends the next due row. An unexpected error (a bug, a constraint the release breaks)
   * rolls its attempt back, then counts an attempt and sets a backoff in a transaction of
   * its own: the queue is ordered by age, so a row that always fails would otherwise be
   * picked first forever and hold up every other release.
   */
  private async pushOne(hub: HubClient): Promise<Attempt> {
    const picked: { row?: { id: string; release_id: string; attempts: number } } = {};
    try {
      return await this.db.transaction((tx) => this.attempt(tx, hub, (row) => (picked.row = row)));
    } catch (err) {
      const row = picked.row;
      if (!row) throw err;
      const delay = backoffDelayMs(row.attempts, this.backoff);
      await this.db.query(
        `UPDATE release_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond' WHERE id = $1 AND status = 'pending'`,
        [row.id, faultOf(err), delay],
      );
      this.log.error(`push of release ${row.release_id} failed on the node (${err instanceof Error ? err.name : 'error'}); retrying in ${delay} ms (attempt ${row.attempts + 1})`);
      return 'errors';
    }
  }

  private async attempt(tx: EntityManager, hub: HubClient, onPick: (row: { id: string; release_id: string; attempts: number }) => void): Promise<Attempt> {
    // the release is locked with its row: nothing retires it while its figures are on their way
    const rows: { id: string; release_id: string; body: string; attempts: number; release_status: string }[] = await tx.query(
      `SELECT o.id, o.release_id, o.body, o.attempts, r.status AS release_status FROM release_outbox o JOIN releases r ON r.id = o.release_id
        WHERE o.status = 'pending' AND o.next_attempt_at <= now()
          AND NOT EXISTS (SELECT 1 FROM release_outbox p WHERE p.status = 'pending' AND p.dataset_id = o.dataset_id AND p.period = o.period AND p.revision < o.revision)
        ORDER BY o.created_at, o.revision
        LIMIT 1 FOR UPDATE OF o, r SKIP LOCKED`,
    );
    if (rows.length === 0) return 'none';
    const row = rows[0];
    onPick(row);
    const outbox = tx.getRepository(OutboxEntity);
    if (row.release_status !== 'approved') {
      // Superseded or stale before it was sent: it is not in the ledger, so it must never reach the hub.
      await outbox.update(row.id, { status: 'failed', lastError: `not sent: the release is ${row.release_status}, no longer approved` });
      this.log.warn(`release ${row.release_id} is ${row.release_status}: its outbox row is failed, not sent`);
      return 'errors';
    }
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
    // a refusal's codes on the release too, where a manager reading the releases looks for them
    const codes = [...new Set(summary.conflicts.map((c) => c.code))];
    const { affected } = await tx
      .getRepository(ReleaseEntity)
      .update(
        { id: row.release_id, status: 'approved' },
        refused
          ? { status: 'refused', errorCode: codes[0] ?? 'REFUSED', errorMessage: `the hub refused this release${codes.length > 0 ? `: ${codes.join(', ')}` : ''} (its import summary is in the outbox)` }
          : { status: 'pushed' },
      );
    // (the row lock taken above makes this unreachable; an answer recorded against another status would corrupt the ledger)
    if (affected !== 1) throw new Error('the release of an outbox row left the approved status while it was pushed');
    if (refused) this.log.warn(`hub refused release ${row.release_id}: ${codes.join(', ')}`);
    return refused ? 'refused' : 'delivered';
  }

  /** The latest `first` rows, newest first (callers check 1 <= first <= MAX_OUTBOX_PAGE). */
  async list(first: number): Promise<OutboxEntity[]> {
    return this.db.getRepository(OutboxEntity).find({ order: { createdAt: 'DESC' }, take: first });
  }

  /**
   * Puts `failed` rows (the hub refused them before validation: credentials, a body it
   * could not read) and `refused` ones (the hub's summary said ERROR, e.g. the member was
   * suspended) back in the queue, due now, once an operator has fixed the cause. The
   * payload is resent byte for byte as approved, signed again with the node's current key
   * (the same bytes when the key is unchanged: Ed25519 signatures are deterministic; a key
   * rotated at the hub since the approval, KEY_UNKNOWN, no longer blocks the release). The
   * hub ignores an identical resend of an accepted release, so a retry never counts a
   * release twice, and a release the hub refuses on its merits is simply refused again. A
   * payload that names another member than MEMBER_ID could never be accepted: it is left
   * for `prepare`, which replaces it. Pending and delivered rows are left alone, and so are
   * rows whose release is no longer what the row says (a refused release prepared again
   * since, a failed one gone stale): `superseded`. A refused release left the ledger; it
   * re-enters it only if nothing overlapping was approved meanwhile (see
   * ReleasesService.readmitIn), otherwise it is `stale` (or `blocked`) and not sent. A release
   * whose period is being prepared is left alone (`busy`): retry once the preparation is done.
   */
  async requeue(releaseIds: readonly string[], actor: string): Promise<{ releaseId: string; outcome: RequeueOutcome }[]> {
    const ids = [...new Set(releaseIds)];
    if (ids.length === 0 || ids.length > 500 || !ids.every((id) => isUUID(id))) {
      throw new NodeError('BAD_USER_INPUT', 'releaseIds must be 1 to 500 release ids (UUIDs)', { field: 'releaseIds' });
    }
    const member = memberIdOf(this.config);
    const outcomes = await this.db.transaction(async (tx) => {
      const out = new Map<string, RequeueOutcome>();
      // The periods' locks first, shared as approve and hold take them, in order and before any row
      // lock: a preparation holds its period's lock alone, locks the releases it retires and (auto-
      // approval) waits for the ledger lock a readmission holds, so a requeue that locked a release
      // of that period first would deadlock with it. A period being prepared is left alone: busy.
      const candidates = await tx.query<{ release_id: string; period: string }[]>(
        `SELECT release_id, period FROM release_outbox WHERE release_id = ANY($1::uuid[]) AND status IN ('failed', 'refused') ORDER BY period`,
        [ids],
      );
      const busy: string[] = [];
      for (const period of [...new Set(candidates.map((c) => c.period))]) {
        const [{ locked }] = await tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS locked', [periodLock(period)]);
        if (!locked) busy.push(period);
      }
      for (const c of candidates) if (busy.includes(c.period)) out.set(c.release_id, 'busy');
      const rows = await tx.query<{ id: string; release_id: string; body: string; status: 'failed' | 'refused' }[]>(
        `SELECT id, release_id, body, status FROM release_outbox
          WHERE release_id = ANY($1::uuid[]) AND status IN ('failed', 'refused') AND NOT (period = ANY($2::text[])) ORDER BY release_id FOR UPDATE`,
        [ids, busy],
      );
      const releases = tx.getRepository(ReleaseEntity);
      for (const r of rows) {
        const release = await releases.findOne({ where: { id: r.release_id }, lock: { mode: 'pessimistic_write' } });
        // refused by the hub: the release is refused too; turned away before validation: it stayed approved
        if (release?.status !== (r.status === 'refused' ? 'refused' : 'approved')) {
          out.set(r.release_id, 'superseded');
          continue;
        }
        const payload = payloadBytesOf(r.body);
        if (payloadMember(payload) !== member) {
          out.set(r.release_id, 'member_changed');
          continue;
        }
        if (r.status === 'refused') {
          const readmitted = await this.releases.readmitIn(tx, release, actor);
          if (readmitted.status !== 'approved') {
            out.set(r.release_id, readmitted.status === 'blocked' ? 'blocked' : 'stale');
            continue;
          }
        }
        const body = this.key ? signedBody(payload, this.key) : r.body;
        await tx.query(`UPDATE release_outbox SET status = 'pending', next_attempt_at = now(), last_error = NULL, body = $2 WHERE id = $1`, [r.id, body]);
        out.set(r.release_id, 'requeued');
      }
      return out;
    });
    const known = await this.db.query<{ id: string; queued: boolean }[]>(
      `SELECT r.id, EXISTS (SELECT 1 FROM release_outbox o WHERE o.release_id = r.id) AS queued FROM releases r WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    const queued = new Map(known.map((r) => [r.id, r.queued]));
    const requeued = [...outcomes.values()].filter((o) => o === 'requeued').length;
    if (requeued > 0) this.log.log(`${requeued} failed or refused release(s) requeued by ${actor}`);
    return ids.map((releaseId) => ({
      releaseId,
      outcome: outcomes.get(releaseId) ?? (!queued.has(releaseId) ? 'no_such_release' : queued.get(releaseId) ? 'not_retryable' : 'not_in_outbox'),
    }));
  }
}
