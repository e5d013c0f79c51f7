import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AnonymizerError, ProtectedRelease, protectRelease, SuppressionProgress } from '@paivand/anonymizer';
import {
  canonicalJson,
  contentHashOf,
  DatasetDecl,
  DatasetUnit,
  isPeriod,
  parsePeriod,
  periodEnd,
  periodsOverlap,
  ProtectionMethod,
  protectionRangeOf,
  StandardIndex,
  SubmissionPayload,
} from '@paivand/schema';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { memberIdOf, SIGNING_KEY } from '../federation/federation.providers';
import { NodeSigningKey } from '../federation/signing-key';
import { OutboxEntity } from '../outbox/outbox.entity';
import { payloadMember, signedBody } from '../outbox/signed-body';
import { StandardSyncService } from '../standard-sync/standard-sync.service';
import { auditEntries, ledgerRows, sentOutOfLedger, sentOutOfLedgerRows } from './release-ledger';
import { missingAttributes, PROJECTED_UNITS, recordsOf, ReleaseProjection, UnitExtract } from './release-projection';
import { LEDGER_STATUSES, ReleaseEntity, ReleaseStatus } from './release.entity';

/** Statuses that hold a revision number of a (dataset, period). */
const LIVE: readonly ReleaseStatus[] = ['prepared', 'held', 'approved', 'pushed', 'refused'];

/**
 * A release that has not reached the hub (awaiting a decision, or refused by the hub)
 * whose payload names a member other than `member` (MEMBER_ID set or changed since it was
 * prepared): the hub could never accept it (MEMBER_MISMATCH), so it is prepared again.
 */
function preparedForAnotherMember(r: ReleaseEntity, member: string): boolean {
  return (r.status === 'prepared' || r.status === 'held' || r.status === 'refused') && r.payload !== null && payloadMember(r.payload) !== member;
}

/** Statuses whose differential-privacy budget is reserved: prepared tables that may still be approved. */
const PENDING: readonly ReleaseStatus[] = ['prepared', 'held'];

/** The advisory lock of a period: held alone by its preparation, shared by decisions on its releases. */
export const periodLock = (period: string): string => `paivand:release:${period}`;

/** Protection methods the node applies (the anonymizer's). */
const METHODS: readonly ProtectionMethod[] = ['suppression', 'differential_privacy'];

const isDp = (d: DatasetDecl | undefined): boolean => d?.protection.method === 'differential_privacy';

/**
 * Whether a dataset's table of a period is kept up to date by the job whatever the period's age:
 * it has a live release (latest status `latest`), unless it is a released differential-privacy
 * table, which gets no revision.
 */
const revisable = (ds: DatasetDecl, latest: ReleaseStatus | undefined): boolean => latest !== undefined && !(isDp(ds) && LEDGER_STATUSES.includes(latest));

export interface PrepareOptions {
  /**
   * Only the tables of the period that have a live release are prepared again (when their figures
   * changed); no first release of another dataset. The job's checks of released periods past its
   * window of new periods (RELEASE_LOOKBACK_MONTHS, or before the register's first data).
   */
  readonly revisionsOnly?: boolean;
}

/** How the suppression of a period's release is getting on (for an operator's progress line; counts only). */
export type PrepareProgress = SuppressionProgress & { readonly period: string };

export interface PrepareResult {
  readonly period: string;
  readonly periodType: string;
  /**
   * prepared: new releases wait for approval (or were auto-approved); nothing: up to date;
   * busy: another process holds the lock; blocked: the anonymizer refused everything;
   * failed: an error stopped the period (the scheduled job goes on with the next one; `errorCode` says which:
   * a NodeError's reason or code, DATABASE_UNREACHABLE, or INTERNAL for anything else).
   * `prepared` may come with blocked releases too (e.g. the suppression tables were
   * prepared while a differential-privacy table's budget was spent): `errorCode` is then set.
   */
  readonly status: 'prepared' | 'nothing' | 'busy' | 'blocked' | 'failed';
  /** The releases prepared, then those blocked. */
  readonly releases: ReleaseEntity[];
  readonly errorCode?: string;
}

/** Who decided: a staff member (`staff:<id>`), the CLI operator or auto-approval. */
export type Actor = string;

/**
 * Releases of the centre: prepared with the anonymizer from the register, audited
 * against the node's ledger, previewed, approved (signed into the outbox in the same
 * transaction) or held.
 *
 * Differential-privacy tables (hotline_monthly): each is noised on its own, with the
 * caller as the unit of privacy. Every approved table spends its epsilon from the
 * dataset's budget of the calendar year, as the ledger records it (`protection.epsilon`
 * of the payload); tables prepared or held reserve theirs. A preparation that would
 * overspend is `blocked` (BUDGET_EXHAUSTED) and so is an approval that would (e.g. after
 * a new standard lowered the budget). Late entries: a DP table not yet approved is simply
 * prepared again (its noise never left the node); once approved or pushed it gets NO
 * revision: noising the month again would spend the budget a second time, and the
 * standard's budget is exactly one release a month. Late consultations stay in the
 * register and are left to the noise.
 */
@Injectable()
export class ReleasesService {
  private readonly log = new Logger(ReleasesService.name);
  /** Datasets already reported as left out (standard version and dataset id), so the job logs each once. */
  private readonly unprojectable = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projection: ReleaseProjection,
    private readonly standards: StandardSyncService,
    private readonly config: NodeConfig,
    @Inject(SIGNING_KEY) private readonly key: NodeSigningKey | null,
  ) {}

  /**
   * Datasets this node releases for a period type: suppression and differential-privacy
   * tables of the units its register keeps. Consultation datasets only once the centre has
   * recorded a consultation (it runs a hotline): other centres would otherwise push an
   * empty (noised) hotline table every month.
   */
  async datasetsFor(periodType: string, standard?: StandardIndex): Promise<DatasetDecl[]> {
    // `prepare` passes the version it read: a standard pulled in between would mix two versions in one release
    standard ??= await this.standards.current();
    const units = await this.unitsKept(standard);
    return standard.datasets.filter((d) => {
      if (d.periodType !== periodType || !METHODS.includes(d.protection.method) || !units.includes(d.unit)) return false;
      // A dataset of a newer standard over an attribute the register does not keep for its unit
      // cannot be released here; preparing it would fail every period of its type.
      const missing = missingAttributes(d);
      if (missing.length === 0) return true;
      const key = `${standard.version}|${d.id}`;
      if (!this.unprojectable.has(key)) {
        this.unprojectable.add(key);
        this.log.warn(`dataset ${d.id} of standard ${standard.version} left out: the register has no ${missing.join(', ')} for ${d.unit} records`);
      }
      return false;
    });
  }

  /**
   * Periods with a table of one of `datasets` the job keeps up to date (see `revisable`),
   * whatever their age and whether or not the register still holds data for them: a withdrawn
   * consent or a deleted case must leave the next revision of every released period.
   */
  async revisablePeriods(datasets: readonly DatasetDecl[]): Promise<string[]> {
    if (datasets.length === 0) return [];
    // the latest live release of each (dataset, period), as `prepare` picks it
    const rows = await this.db.query<{ dataset_id: string; period: string; status: ReleaseStatus }[]>(
      `SELECT DISTINCT ON (dataset_id, period) dataset_id, period, status FROM releases
        WHERE status = ANY($1) AND dataset_id = ANY($2) ORDER BY dataset_id, period, revision DESC, prepared_at DESC`,
      [LIVE, datasets.map((d) => d.id)],
    );
    const byId = new Map(datasets.map((d) => [d.id, d]));
    return [...new Set(rows.filter((r) => revisable(byId.get(r.dataset_id) as DatasetDecl, r.status)).map((r) => r.period))];
  }

  /**
   * The units the centre releases: consultations once it has recorded one, or while a hotline table is
   * live (deleting the last consultation, entered in error, must still replace a table that counts it).
   */
  private async unitsKept(standard: StandardIndex): Promise<DatasetUnit[]> {
    const hotlineIds = standard.datasets.filter((d) => d.unit === 'consultation').map((d) => d.id);
    const [{ hotline }] = await this.db.query<{ hotline: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM consultations WHERE centre_id = $1)
           OR EXISTS (SELECT 1 FROM releases WHERE dataset_id = ANY($2) AND status = ANY($3)) AS hotline`,
      [this.config.CENTRE_ID, hotlineIds, ['prepared', 'held', 'approved', 'pushed']],
    );
    return PROJECTED_UNITS.filter((u) => u !== 'consultation' || hotline);
  }

  /**
   * Prepares (or revises) every dataset of the period's type for one closed period, as one
   * protected system. Two processes never prepare the same period: the second gets `busy`.
   * `onProgress` hears after every audit of the suppression (a large month takes many).
   */
  async prepare(period: string, now: Date = new Date(), onProgress?: (p: PrepareProgress) => void, options: PrepareOptions = {}): Promise<PrepareResult> {
    if (!isPeriod(period)) throw new NodeError('BAD_USER_INPUT', 'period must be an SDMX period (2026, 2026-Q3, 2026-07)', { reason: 'PERIOD_INVALID' });
    const periodType = parsePeriod(period).type;
    if (periodEnd(period) > now) throw new NodeError('BAD_USER_INPUT', `period ${period} has not closed yet`, { reason: 'PERIOD_OPEN' });
    const standard = await this.standards.current();
    const datasets = await this.datasetsFor(periodType, standard);
    const empty: PrepareResult = { period, periodType, status: 'nothing', releases: [] };
    if (datasets.length === 0) return empty;

    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [periodLock(period)]);
      if (!locked) return { ...empty, status: 'busy' as const };

      const existing = await tx.getRepository(ReleaseEntity).find({ where: { period, datasetId: In(datasets.map((d) => d.id)) }, order: { revision: 'DESC', preparedAt: 'DESC' } });
      const latestStatus = (ds: DatasetDecl): ReleaseStatus | undefined => existing.find((r) => r.datasetId === ds.id && LIVE.includes(r.status))?.status;
      const due = options.revisionsOnly ? datasets.filter((ds) => revisable(ds, latestStatus(ds))) : datasets;
      if (due.length === 0) return empty;

      const units = [...new Set(due.map((d) => d.unit))];
      const extracts = new Map<DatasetUnit, UnitExtract>();
      for (const unit of units) {
        // earlier releases of any suppression dataset of the unit may be linked to this one
        const linked = standard.datasets.filter((d) => d.unit === unit && d.protection.method === 'suppression' && d.periodType !== periodType);
        extracts.set(unit, await this.projection.extract(tx, this.config.CENTRE_ID, unit, due.filter((d) => d.unit === unit), period, linked));
      }

      interface Todo {
        ds: DatasetDecl;
        revision: number;
        fingerprint: string;
        previous?: ReleaseEntity;
        replaces?: ReleaseEntity;
      }
      const todo: Todo[] = [];
      const member = memberIdOf(this.config);
      for (const ds of due) {
        const fingerprint = (extracts.get(ds.unit) as UnitExtract).fingerprint;
        const mine = existing.filter((r) => r.datasetId === ds.id);
        const latest = mine.find((r) => LIVE.includes(r.status));
        if (mine.some((r) => r.status === 'blocked' && r.inputFingerprint === fingerprint && r.schemaVersion === standard.version && (!latest || r.preparedAt >= latest.preparedAt))) continue;
        // A table prepared for another member id could never be accepted: it is prepared again, as are changed figures.
        const forAnother = latest !== undefined && preparedForAnotherMember(latest, member);
        // A table the hub refused: it stored nothing of it, so a replacement keeps the revision. Prepared again
        // once anything that went into it has changed: the member id, the figures, or the standard (a refusal for
        // a k or a zero rule the Association has since raised is answered by the standard the node then pulls;
        // the same bytes sent again would only be refused again). Nothing changed: `retry` sends it again.
        const refusedAndChanged =
          latest?.status === 'refused' && (forAnother || latest.inputFingerprint !== fingerprint || latest.schemaVersion !== standard.version);
        // Refused because the hub holds this revision, or a later one, with other content (this node's records are
        // behind the hub's: restored from an older backup, or set up again): the same revision would be refused
        // for ever, whatever changed. Prepared again at once, numbered above the hub's (a differential-privacy
        // table the hub holds is not revised at all: left to the operator).
        const hubAhead = latest?.status === 'refused' && latest.errorCode === 'REVISION_CONFLICT' && !isDp(ds) ? await hubRevisionAfter(tx, latest.id) : undefined;
        if (!latest) todo.push({ ds, revision: 1, fingerprint });
        else if (hubAhead !== undefined) todo.push({ ds, revision: Math.max(latest.revision, hubAhead) + 1, fingerprint, replaces: latest });
        else if (refusedAndChanged) todo.push({ ds, revision: latest.revision, fingerprint, replaces: latest });
        // unchanged figures: nothing to do, unless a table awaiting a decision was prepared under an earlier standard
        else if (latest.inputFingerprint === fingerprint && !forAnother && !(PENDING.includes(latest.status) && latest.schemaVersion !== standard.version && askedMoreSince(latest, standard))) continue;
        else if (PENDING.includes(latest.status)) {
          todo.push({ ds, revision: latest.revision, fingerprint, replaces: latest });
        }
        // Differential privacy: no revision once released. Noising the period again would spend
        // the dataset's budget again (the standard's budget is one release a month for a year);
        // late entries are left to the noise. A table not yet approved is replaced freely (its
        // noise never left the node), and one the hub refused may be released again.
        else if (isDp(ds) && LEDGER_STATUSES.includes(latest.status)) continue;
        else todo.push({ ds, revision: latest.revision + 1, fingerprint, previous: latest });
      }
      if (todo.length === 0) return empty;

      // suppression tables are protected as one linked system; each DP table is noised on its
      // own, so a spent budget blocks that table only
      const groups: Todo[][] = [];
      const suppression = todo.filter((t) => !isDp(t.ds));
      const dpTodo = todo.filter((t) => isDp(t.ds));
      if (suppression.length > 0) groups.push(suppression);
      for (const t of dpTodo) groups.push([t]);
      // the budget's lock before the ledger is read: a table of another period approved in between was
      // otherwise in neither (prepared when the ledger was read, approved when the reservations were)
      const reserved = dpTodo.length > 0 ? await this.reservedBudget(tx, dpTodo) : {};
      const ledger = await ledgerRows(tx);
      const ledgerSeq = ledger.reduce((m, r) => Math.max(m, r.seq), 0);
      const ledgerEntries = auditEntries(ledger, await sentOutOfLedgerRows(tx));

      const preparedAt = now.toISOString();
      /** A release row of this preparation for one dataset (the fields every outcome shares). */
      const row = (
        t: Todo,
        fields: Pick<ReleaseEntity, 'batchId' | 'status' | 'payload' | 'contentHash' | 'report' | 'errorCode' | 'errorMessage'> & Partial<Pick<ReleaseEntity, 'holdReason' | 'decidedAt' | 'decidedBy' | 'withheld'>>,
      ): Promise<ReleaseEntity> =>
        tx
          .getRepository(ReleaseEntity)
          .save(
            tx.getRepository(ReleaseEntity).create({
              datasetId: t.ds.id,
              period,
              periodType,
              revision: t.revision,
              schemaVersion: standard.version,
              inputFingerprint: t.fingerprint,
              ledgerSeq: String(ledgerSeq),
              ...fields,
            }),
          )
          .then((saved) => {
            // the true counts stay in the table: the row goes back to callers (the CLI prints it as JSON)
            delete saved.withheld;
            return saved;
          });
      /**
       * Retires the release a new table replaces, unless it changed since `existing` was read
       * (decisions and requeues take the period's lock, so only a process that ignores it): false,
       * and the new table is dropped, so that a release on its way to the hub is never superseded.
       */
      const retire = async (old: ReleaseEntity, status: 'superseded' | 'stale'): Promise<boolean> => {
        const { affected } = await tx.getRepository(ReleaseEntity).update({ id: old.id, status: old.status }, { status });
        if (affected === 1) return true;
        this.log.warn(`release of ${period} (${old.datasetId}) changed while it was prepared again; left as it is`);
        return false;
      };
      const created: ReleaseEntity[] = [];
      const blocked: ReleaseEntity[] = [];
      let errorCode: string | undefined;
      for (const group of groups) {
        const needUnits = new Set(group.map((t) => t.ds.unit));
        let protectedRelease: ProtectedRelease;
        try {
          protectedRelease = await protectRelease({
            standard,
            datasets: group.map((t) => t.ds),
            period,
            records: recordsOf([...extracts.values()].filter((e) => needUnits.has(e.unit))),
            ledger: ledgerEntries,
            dpBudget: reserved,
            onProgress: onProgress && ((p) => onProgress({ ...p, period })),
          });
        } catch (err) {
          if (!(err instanceof AnonymizerError)) throw err;
          this.log.warn(`release of ${period} (${group.map((t) => t.ds.id).join(', ')}) refused by the anonymizer: ${err.code}`);
          errorCode ??= err.code;
          const errorMessage = err.code === 'LEDGER_INCONSISTENT' ? err.message + (await refusedRevisionsNote(tx, period, ledger)) : err.message;
          for (const t of group) {
            // a release changed meanwhile is left as it is, and so is the period: a blocked row would mark
            // these figures as checked, and the next run would skip the table of the release's new status
            if (t.replaces && !(await retire(t.replaces, 'stale'))) continue;
            blocked.push(await row(t, { batchId: randomUUID(), status: 'blocked', payload: null, contentHash: null, report: null, errorCode: err.code, errorMessage }));
          }
          continue;
        }

        const batchId = randomUUID();
        for (const t of group) {
          const table = protectedRelease.tables.find((x) => x.datasetId === t.ds.id);
          const report = protectedRelease.report.datasets.find((x) => x.datasetId === t.ds.id);
          if (!table || !report) throw new Error(`the anonymizer returned no table for ${t.ds.id}`);
          const body: Omit<SubmissionPayload, 'contentHash'> = {
            memberId: member,
            datasetId: t.ds.id,
            schemaVersion: standard.version,
            period,
            revision: t.revision,
            dimensions: table.dimensions,
            protection: { method: table.method, k: t.ds.protection.k, protectionRange: protectionRangeOf(t.ds.protection), ...(table.epsilon !== undefined ? { epsilon: table.epsilon } : {}) },
            cells: table.cells,
            preparedAt,
          };
          const contentHash = contentHashOf(body);
          if (t.previous && t.previous.contentHash === contentHash) {
            // late entries that change nothing once protected: no revision, remember what was checked
            await tx.getRepository(ReleaseEntity).update(t.previous.id, { inputFingerprint: t.fingerprint });
            continue;
          }
          if (t.replaces && !(await retire(t.replaces, 'superseded'))) continue;
          // a differential-privacy table prepared here reserves its epsilon for the next table of this preparation
          // too (the budget is the member's, across its DP datasets): each was checked alone against the same reservations
          if (table.epsilon !== undefined) {
            const year = String(parsePeriod(period).year);
            const byYear = (reserved[t.ds.id] ??= {});
            byYear[year] = (byYear[year] ?? 0) + table.epsilon;
          }
          const payload: SubmissionPayload = { ...body, contentHash };
          // A manager's hold outlives new figures: the table that replaces a held one is held too, for the
          // same reason, until someone approves it (auto-approval never does).
          const held = t.replaces?.status === 'held' ? t.replaces : undefined;
          created.push(
            await row(t, {
              batchId,
              status: held ? 'held' : 'prepared',
              ...(held ? { holdReason: held.holdReason, decidedAt: held.decidedAt, decidedBy: held.decidedBy } : {}),
              payload: canonicalJson(payload),
              contentHash,
              withheld: protectedRelease.withheld.find((w) => w.datasetId === t.ds.id)?.cells.map((c) => ({ key: [...c.key], value: c.value })) ?? null,
              report: JSON.parse(JSON.stringify({ ...report, audit: { ...report.audit, minIntervalWidth: Number.isFinite(report.audit.minIntervalWidth) ? report.audit.minIntervalWidth : null } })) as Record<string, unknown>,
              errorCode: null,
              errorMessage: null,
            }),
          );
        }
      }
      if (created.length === 0 && blocked.length === 0) return empty;
      if (created.length === 0) return { period, periodType, status: 'blocked' as const, releases: blocked, errorCode };
      this.log.log(`prepared ${created.length} release(s) of ${period}`);
      if (this.config.AUTO_APPROVE && this.key) {
        for (let i = 0; i < created.length; i++) if (created[i].status === 'prepared') created[i] = await this.approveIn(tx, created[i].id, 'auto-approval');
      }
      return { period, periodType, status: 'prepared' as const, releases: [...created, ...blocked], ...(errorCode !== undefined ? { errorCode } : {}) };
    });
  }

  /**
   * Differential privacy reserved by tables prepared or held but not yet approved (per
   * dataset, per year), so that approving every pending table never spends more than the
   * budget; the tables these preparations replace reserve nothing. Serialised: two
   * preparations never reserve the same budget.
   */
  private async reservedBudget(tx: EntityManager, dpTodo: readonly { ds: DatasetDecl; replaces?: ReleaseEntity }[]): Promise<Record<string, Record<string, number>>> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['paivand:dp-budget']);
    const replaced = dpTodo.flatMap((t) => (t.replaces ? [t.replaces.id] : []));
    // and, out of the ledger, what the hub was sent all the same (`sentOutOfLedger`: its noise was seen, its epsilon spent)
    // of every differential-privacy dataset: the budget is the member's, across them (dp.ts)
    const rows: { dataset_id: string; year: string; epsilon: number | null }[] = await tx.query(
      `SELECT dataset_id, left(period, 4) AS year, sum((payload::jsonb -> 'protection' ->> 'epsilon')::float8) AS epsilon
         FROM releases r WHERE payload IS NOT NULL AND payload::jsonb -> 'protection' -> 'epsilon' IS NOT NULL
          AND ((status = ANY($1) AND NOT (id = ANY($2::uuid[]))) OR ${sentOutOfLedger('$3')})
        GROUP BY 1, 2`,
      [PENDING, replaced, LEDGER_STATUSES],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) if (r.epsilon) (out[r.dataset_id] ??= {})[r.year] = Number(r.epsilon);
    return out;
  }

  /**
   * Signs the release and writes it to the outbox, in one transaction. A suppression table
   * prepared against an older ledger becomes `stale`; a DP table that would overspend its
   * year's budget becomes `blocked` (BUDGET_EXHAUSTED).
   */
  async approve(id: string, actor: Actor): Promise<ReleaseEntity> {
    return this.db.transaction((tx) => this.approveIn(tx, id, actor));
  }

  private async approveIn(tx: EntityManager, id: string, actor: Actor): Promise<ReleaseEntity> {
    await this.lockPeriodOf(tx, id);
    const repo = tx.getRepository(ReleaseEntity);
    const release = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!release) throw new NodeError('NOT_FOUND', 'No such release');
    if (release.status !== 'prepared' && release.status !== 'held') {
      throw new NodeError('CONFLICT', `release is ${release.status}, not awaiting a decision`, { reason: 'RELEASE_NOT_PENDING' });
    }
    if (!this.key) throw new NodeError('CONFLICT', 'NODE_SIGNING_KEY is not configured: the node cannot sign releases', { reason: 'SIGNING_KEY_MISSING' });
    if (preparedForAnotherMember(release, memberIdOf(this.config))) {
      // the hub would refuse it (MEMBER_MISMATCH) and a resend could never succeed
      return this.decline(tx, release, actor, {
        status: 'stale',
        errorCode: 'MEMBER_CHANGED',
        errorMessage: `prepared for member ${payloadMember(release.payload)} but this node is now ${memberIdOf(this.config)} (MEMBER_ID); prepare it again`,
      });
    }
    // Prepared under a version of the standard that asked less of it than the one the node now follows: it
    // would leave below the new floor, and the hub refuse it after seeing it.
    const standard = await this.standards.current();
    const stricter = release.schemaVersion === standard.version ? null : askedMoreSince(release, standard);
    if (stricter) {
      return this.decline(tx, release, actor, {
        status: 'stale',
        errorCode: 'STANDARD_CHANGED',
        errorMessage: `prepared under standard ${release.schemaVersion}; ${standard.version}, which this node now follows, asks ${stricter}: prepare it again`,
      });
    }
    const refusal = await this.ledgerRefusal(tx, release, release.ledgerSeq, 'released figures for an overlapping period were approved after this release was prepared; prepare it again');
    if (refusal) return this.decline(tx, release, actor, refusal);
    const body = signedBody(release.payload as string, this.key);
    release.status = 'approved';
    release.decidedAt = new Date();
    release.decidedBy = actor;
    // the reason of a hold that has ended no longer describes the release
    release.holdReason = null;
    release.inLedgerSeq = await nextLedgerSeq(tx);
    const saved = await repo.save(release);
    await tx.getRepository(OutboxEntity).insert({ releaseId: release.id, datasetId: release.datasetId, period: release.period, revision: release.revision, body, status: 'pending', nextAttemptAt: new Date() });
    return saved;
  }

  /**
   * A release the hub refused, about to be sent again (`retry`): it left the ledger when it
   * was refused, so releases approved since were audited without it. It re-enters the ledger
   * only if none of them overlaps it (and a differential-privacy table only within its year's
   * budget), at a fresh position, so that a table prepared while it was out of the ledger is
   * stale at approval. Otherwise it becomes stale (or blocked) and its period must be prepared
   * again. The caller holds the release's row lock and checked that it is `refused`.
   */
  async readmitIn(tx: EntityManager, release: ReleaseEntity, actor: Actor): Promise<ReleaseEntity> {
    const refusal = await this.ledgerRefusal(
      tx,
      release,
      release.inLedgerSeq ?? release.ledgerSeq,
      'released figures for an overlapping period were approved while the hub had refused this release; prepare it again',
    );
    if (refusal) return this.decline(tx, release, actor, refusal);
    release.status = 'approved';
    release.errorCode = null;
    release.errorMessage = null;
    release.inLedgerSeq = await nextLedgerSeq(tx);
    return tx.getRepository(ReleaseEntity).save(release);
  }

  /**
   * Takes the lock of the release's period, shared (decisions on one period do not wait for
   * each other; a preparation, which takes it alone, waits for them: `busy`), or refuses while
   * the period is being prepared: a decision taken then would be lost, the new table superseding
   * the one decided. Inside `prepare` (auto-approval) the session holds the lock already: granted.
   */
  private async lockPeriodOf(tx: EntityManager, id: string): Promise<void> {
    const [row] = await tx.query<{ period: string }[]>('SELECT period FROM releases WHERE id = $1', [id]);
    if (!row) throw new NodeError('NOT_FOUND', 'No such release');
    const [{ locked }] = await tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock_shared(hashtext($1)) AS locked', [periodLock(row.period)]);
    if (!locked) {
      throw new NodeError('CONFLICT', `period ${row.period} is being prepared; decide once its releases are prepared`, { reason: 'RELEASE_BUSY' });
    }
  }

  /**
   * Why the release cannot enter the ledger now, or null: a suppression table audited
   * against a ledger that has since grown (after `since`) by a linked release of an
   * overlapping period is stale; a DP table that would overspend its year's budget is
   * blocked. Takes the ledger lock, held until the caller appends the release.
   */
  private async ledgerRefusal(tx: EntityManager, release: ReleaseEntity, since: string, staleMessage: string): Promise<Refusal | null> {
    // Serialise approvals: the ledger check and the ledger append must not interleave.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['paivand:release-ledger']);
    const newer: { dataset_id: string; period: string }[] = await tx.query(
      'SELECT dataset_id, period FROM releases WHERE in_ledger_seq > $1 AND batch_id <> $2 AND status = ANY($3)',
      [since, release.batchId, LEDGER_STATUSES],
    );
    // the anonymizer links releases of the same unit with overlapping periods: only those make this audit outdated
    const standard = await this.standards.current();
    const dataset = standard.dataset(release.datasetId);
    const unitOf = (id: string): string | undefined => standard.dataset(id)?.unit;
    // (a differential-privacy table is noised on its own: the ledger's growth does not change it)
    const linked = (id: string): boolean => !isDp(dataset) && !isDp(standard.dataset(id));
    if (newer.some((r) => periodsOverlap(r.period, release.period) && unitOf(r.dataset_id) === unitOf(release.datasetId) && linked(r.dataset_id))) {
      // audited against a ledger that has since grown: never pushed, prepare again
      return { status: 'stale', errorCode: 'LEDGER_CHANGED', errorMessage: staleMessage };
    }
    if (isDp(dataset) && !(await this.budgetAllows(tx, release, dataset as DatasetDecl))) {
      // the year's budget was spent after this table was prepared (e.g. a new standard lowered it)
      return {
        status: 'blocked',
        errorCode: 'BUDGET_EXHAUSTED',
        errorMessage: `approving would spend more than the annual differential privacy budget of ${release.datasetId} for ${release.period.slice(0, 4)}`,
      };
    }
    return null;
  }

  /** The release is not signed (or not sent again): it ends with the refusal's status and why. */
  private decline(tx: EntityManager, release: ReleaseEntity, actor: Actor, refusal: Refusal): Promise<ReleaseEntity> {
    Object.assign(release, refusal, { decidedAt: new Date(), decidedBy: actor });
    return tx.getRepository(ReleaseEntity).save(release);
  }

  /** Whether the ledger's spending of the release's year plus this release stays within the dataset's annual budget. */
  private async budgetAllows(tx: EntityManager, release: ReleaseEntity, dataset: DatasetDecl): Promise<boolean> {
    const policy = dataset.protection.differentialPrivacy;
    const epsilon = (JSON.parse(release.payload as string) as SubmissionPayload).protection.epsilon;
    if (!policy || epsilon === undefined) return false;
    // the ledger's, and what the hub was sent out of it (`sentOutOfLedger`), but for this release itself (a refused one
    // retried), of every differential-privacy dataset: the budget of the year is the member's, across them (dp.ts)
    const [{ spent }] = await tx.query<{ spent: number | null }[]>(
      `SELECT sum((payload::jsonb -> 'protection' ->> 'epsilon')::float8) AS spent FROM releases r
        WHERE payload IS NOT NULL AND left(period, 4) = $2 AND id <> $3 AND (status = ANY($1) OR ${sentOutOfLedger('$1')})`,
      [LEDGER_STATUSES, release.period.slice(0, 4), release.id],
    );
    return Number(spent ?? 0) + epsilon <= policy.annualEpsilon + 1e-12;
  }

  async hold(id: string, actor: Actor, reason: string | null): Promise<ReleaseEntity> {
    return this.db.transaction(async (tx) => {
      await this.lockPeriodOf(tx, id);
      const repo = tx.getRepository(ReleaseEntity);
      const release = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!release) throw new NodeError('NOT_FOUND', 'No such release');
      if (release.status !== 'prepared') throw new NodeError('CONFLICT', `release is ${release.status}, not prepared`, { reason: 'RELEASE_NOT_PENDING' });
      release.status = 'held';
      release.holdReason = reason;
      release.decidedAt = new Date();
      release.decidedBy = actor;
      return repo.save(release);
    });
  }

  async get(id: string): Promise<ReleaseEntity> {
    const r = await this.db.getRepository(ReleaseEntity).findOne({ where: { id } });
    if (!r) throw new NodeError('NOT_FOUND', 'No such release');
    return r;
  }

  async list(status: ReleaseStatus | undefined, first: number): Promise<ReleaseEntity[]> {
    return this.db.getRepository(ReleaseEntity).find({ where: status ? { status } : {}, order: { preparedAt: 'DESC', datasetId: 'ASC' }, take: first });
  }

  async ledger(): Promise<Awaited<ReturnType<typeof ledgerRows>>> {
    return this.db.transaction((tx) => ledgerRows(tx));
  }
}

/** Why a release does not enter the ledger: the status it ends with, and a code and message for the manager. */
interface Refusal {
  readonly status: 'stale' | 'blocked';
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** The next position in the ledger (callers hold the ledger lock). */
async function nextLedgerSeq(tx: EntityManager): Promise<string> {
  const [{ seq }] = await tx.query<{ seq: string }[]>(`SELECT nextval('release_ledger_seq') AS seq`);
  return seq;
}

/**
 * Why the ledger may still hold figures the register has moved past: revisions of
 * overlapping periods that the hub refused (a refused release leaves the ledger). Names
 * datasets, periods and revisions only.
 */
async function refusedRevisionsNote(tx: EntityManager, period: string, ledger: readonly { datasetId: string; period: string; revision: number }[]): Promise<string> {
  type Refused = { dataset_id: string; period: string; revision: number };
  const rows: Refused[] = await tx.query(`SELECT dataset_id, period, revision FROM releases WHERE status = 'refused' ORDER BY period, dataset_id, revision`);
  const released = (r: Refused): boolean => ledger.some((l) => l.datasetId === r.dataset_id && l.period === r.period && l.revision >= r.revision);
  const refused = rows.filter((r) => periodsOverlap(r.period, period) && !released(r)).map((r) => `${r.dataset_id} ${r.period} rev ${r.revision}`);
  return refused.length > 0 ? ` (the hub refused ${refused.join(', ')}, so the ledger still holds the earlier figures; see the outbox)` : '';
}

/** The highest revision the hub said it holds when it refused this release (REVISION_CONFLICT), if it said. */
async function hubRevisionAfter(tx: EntityManager, releaseId: string): Promise<number | undefined> {
  const [row]: { hub: number | null }[] = await tx.query(
    `SELECT (summary->>'hubRevision')::int AS hub FROM release_outbox WHERE release_id = $1 AND status = 'refused' ORDER BY created_at DESC LIMIT 1`,
    [releaseId],
  );
  return row?.hub ?? undefined;
}

/**
 * What the standard now asks of a release's dataset beyond the protection the release was made under
 * (its payload's): a higher k or protection range, a smaller privacy loss per release, or no such dataset
 * any more; null when the release meets it (a version that only added a code or a dataset, or lowered
 * the year's budget, which the approval checks anyway). The hub refuses what it names.
 */
export function askedMoreSince(release: Pick<ReleaseEntity, 'payload'>, standard: StandardIndex): string | null {
  if (release.payload === null) return null;
  const payload = JSON.parse(release.payload) as SubmissionPayload;
  const made = payload.protection;
  const dataset = standard.dataset(payload.datasetId);
  if (!dataset) return 'no such dataset';
  const now = dataset.protection;
  if (now.k > made.k) return `k ${now.k} (it was made with ${made.k})`;
  if (protectionRangeOf(now) > made.protectionRange) return `a protection range of ${protectionRangeOf(now)} (it was made with ${made.protectionRange})`;
  const epsilon = now.differentialPrivacy?.epsilonPerRelease;
  if (made.epsilon !== undefined && epsilon !== undefined && epsilon < made.epsilon) return `a privacy loss of at most ${epsilon} (it spends ${made.epsilon})`;
  return null;
}
