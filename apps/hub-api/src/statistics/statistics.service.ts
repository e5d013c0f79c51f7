import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DatasetDecl, formatPeriod, parsePeriod, PeriodError, periodEnd, periodRange, TOTAL_CODE } from '@paivand/schema';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { StandardsService } from '../standards/standards.service';
import { CompletenessInput, StatisticsQueryInput } from './dto/statistics.input';
import { CompletenessCellModel, StatCellModel, StatisticsTableModel } from './models/statistics.model';
import { answer, Hidden, ProtectedTable, protectCombined, protectRevision } from './protected-table';
import { coordsOf, TableLayout, tableLayoutOf } from './table-layout';

export type Audience = 'association' | 'member' | 'combined' | 'public';

/** Most cells one request may get, from every `statistics` and `timeSeries` field of it together. */
export const MAX_ANSWER_CELLS = 20_000;

/**
 * Most table cells one request may make the hub read, period by period, from all its fields together:
 * the answer cells alone do not measure the work (a filter on every code of a dataset is one answer cell
 * that sums 864 of its cells, in every period asked, with a projection where some are hidden; a hundred
 * aliases of it over twenty years were seconds of the hub's time for one anonymous request). Twenty years
 * of a whole 864-cell table, grouped any way, read 207,360: a request may read it about nineteen times.
 */
export const MAX_CELL_READS = 4_000_000;

/**
 * The cells a request may still get (MAX_ANSWER_CELLS in all), and the table cells it may still read
 * (MAX_CELL_READS). Every field of a request draws on one budget: a limit per field let one anonymous
 * request of 37 aliased `statistics` fields (8 KB) build 735,000 cells (99 MB of JSON, 84 s of the
 * hub's CPU), within the query's field limit.
 */
export class CellBudget {
  constructor(
    private left = MAX_ANSWER_CELLS,
    private readsLeft = MAX_CELL_READS,
  ) {}

  /** Takes n cells, or none when fewer are left. */
  take(n: number): boolean {
    if (n > this.left) return false;
    this.left -= n;
    return true;
  }

  /** Takes n cell reads, or none when fewer are left. */
  read(n: number): boolean {
    if (n > this.readsLeft) return false;
    this.readsLeft -= n;
    return true;
  }
}

const budgets = new WeakMap<object, CellBudget>();

/** The budget of one request (the HTTP request object its fields share). */
export function cellBudgetOf(req: object): CellBudget {
  let budget = budgets.get(req);
  if (!budget) budgets.set(req, (budget = new CellBudget()));
  return budget;
}
const MAX_PERIODS = 240;
/**
 * Once served, a period's combined table stays as it was for this many days before late reports and
 * revisions may change it (a revision policy, as statistical offices keep): the changes of several
 * members then come together, and fewer cells are hidden to keep any one member's change from showing.
 */
export const REVISION_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * No member reported for any period the cell covers: SDMX OBS_STATUS M (missing), not a
 * zero. A range with some periods reported sums what was reported; `completeness` tells
 * which member-periods are missing.
 */
const MISSING: Omit<StatCellModel, 'period' | 'memberId' | 'key'> = { value: null, obsStatus: 'M', confStatus: 'F' };

/** One (dataset, period) under one fingerprint of its current submissions; each part is built when an audience first needs it. */
interface PeriodData {
  fingerprint: string;
  /** Per-member tables (the Association and members). */
  members?: Map<string, Float64Array>;
  /** Protected combined table (audiences without member identity), from a SQL aggregate. */
  protectedTable?: ProtectedTable;
  /** Whether the period was due when `protectedTable` was built (before that, it hides every cell). */
  due?: boolean;
  /** When `protectedTable` is the table served before, kept while newer submissions wait for the revision: from when they may enter. */
  revisableAt?: number;
}

/** What an audience reads: member tables, or only the protected combined table. */
type Need = 'members' | 'combined';

function bad(field: string, message: string): HubError {
  return new HubError('BAD_USER_INPUT', `${field}: ${message}`, { reason: 'QUERY_INVALID', fields: [{ field, messages: [message] }] });
}

export function audienceOf(p: Principal | undefined): Audience {
  if (!p) return 'public';
  switch (p.role) {
    case 'association_admin':
      return 'association';
    case 'member':
      return 'member';
    case 'researcher':
    case 'ombudsman':
      return 'combined';
  }
}

/**
 * Shared statistics. Per (dataset, period) the member tables are cached under a
 * fingerprint of the current submissions, and the protected combined table is built
 * once per fingerprint; answers for audiences without member identity come only from it.
 */
@Injectable()
export class StatisticsService {
  private readonly log = new Logger(StatisticsService.name);
  private readonly cache = new Map<string, PeriodData>();
  /** The version of the standard the cache's tables were last kept under. */
  private cachedVersion: string | null = null;
  /** Per dataset, the combined tables' build in progress in this process (see loadCombined). */
  private readonly building = new Map<string, Promise<void>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly standards: StandardsService,
    private readonly audit: AuditService,
  ) {}

  async query(p: Principal | undefined, q: StatisticsQueryInput, budget = new CellBudget()): Promise<StatisticsTableModel> {
    const audience = audienceOf(p);
    const std = await this.standards.current();
    const dataset = std.dataset(q.datasetId);
    if (!dataset) throw new HubError('NOT_FOUND', `Dataset ${q.datasetId} is not in the current standard`, { reason: 'DATASET_UNKNOWN' });
    if (audience === 'public' && !dataset.public) throw new HubError('UNAUTHENTICATED', 'This dataset is not public; sign in', { reason: 'DATASET_NOT_PUBLIC' });
    if (q.byMember && audience !== 'association') throw new HubError('FORBIDDEN', 'Per-member figures are for the Association', { reason: 'BY_MEMBER' });
    const layout = tableLayoutOf(std, dataset);
    const periods = this.periods(dataset, q.from, q.to);
    const plan = this.plan(layout, q);
    const tooMuchReading = (): HubError =>
      new HubError('QUERY_TOO_COMPLEX', `The answers of this request would read more than ${MAX_CELL_READS} table cells together; ask for fewer periods, fewer codes, or in fewer fields`, {
        reason: 'TOO_MANY_CELL_READS',
      });
    const tooComplex = (): HubError =>
      new HubError('QUERY_TOO_COMPLEX', `The answers of this request would exceed ${MAX_ANSWER_CELLS} cells together; group by fewer dimensions, filter, or ask in fewer fields`, {
        reason: 'TOO_MANY_CELLS',
      });
    const perGroup = plan.groups.length * (q.byPeriod ? periods.length : 1);
    // the inner cells each answer sums, in every period asked (and once more per member for per-member figures)
    const reads = plan.groups.reduce((n, g) => n + g.reads, 0) * periods.length;
    if (!budget.take(perGroup)) throw tooComplex();
    if (!budget.read(reads)) throw tooMuchReading();
    const data = await this.load(std.version, dataset, layout, periods, audience === 'association' || audience === 'member' ? 'members' : 'combined');
    const cells: StatCellModel[] = [];
    const memberIds =
      audience === 'member' ? [p?.memberId ?? ''] : q.byMember ? [...new Set([...data.values()].flatMap((d) => [...(d.members?.keys() ?? [])]))].sort() : [];
    // Per-member figures: one cell per member that reported, beside the combined one (open membership: no fixed number).
    if (q.byMember && !budget.take(perGroup * memberIds.length)) throw tooComplex();
    if (memberIds.length > 0 && !budget.read(reads * memberIds.length)) throw tooMuchReading();
    const buckets: (string | null)[] = q.byPeriod ? periods : [null];
    for (const bucket of buckets) {
      const inBucket = bucket === null ? periods : [bucket];
      for (const g of plan.groups) {
        if (audience === 'member' || q.byMember) {
          for (const mid of memberIds) cells.push({ ...this.memberCell(data, inBucket, mid, g.cells), period: bucket, memberId: mid, key: g.key });
        }
        if (audience === 'association' || audience === 'combined' || audience === 'public') {
          const c = audience === 'association' ? this.exactCell(data, inBucket, g.cells) : this.protectedCell(data, inBucket, g.cells);
          cells.push({ ...c, period: bucket, memberId: null, key: g.key });
        }
      }
    }
    // A differential-privacy dataset's figures are noised by every member (OBS_STATUS E in what they
    // send), and so is any sum of them: estimated, not normal, for every audience.
    if (dataset.protection.method === 'differential_privacy') for (const c of cells) if (c.obsStatus === 'A') c.obsStatus = 'E';
    return { datasetId: dataset.id, audience, from: periods[0], to: periods[periods.length - 1], groupBy: [...q.groupBy], cells };
  }

  /** Writes the export to the audit log (the CSV route calls this). */
  async recordExport(p: Principal | undefined, what: string, details: Record<string, unknown>): Promise<void> {
    await this.db.transaction((tx) => this.audit.record(tx, p ?? null, 'statistics.export', what, null, details));
  }

  async completeness(p: Principal, q: CompletenessInput, now = new Date()): Promise<CompletenessCellModel[]> {
    const std = await this.standards.current();
    const dataset = std.dataset(q.datasetId);
    if (!dataset) throw new HubError('NOT_FOUND', `Dataset ${q.datasetId} is not in the current standard`, { reason: 'DATASET_UNKNOWN' });
    const periods = this.periods(dataset, q.from, q.to);
    const own = p.role === 'member' ? p.memberId : null;
    const members = await this.db.query<{ id: string; name: string; admitted_at: Date | null }[]>(
      `SELECT id, name, admitted_at FROM members WHERE status IN ('admitted','suspended') AND ($1::uuid IS NULL OR id = $1) ORDER BY name`,
      [own],
    );
    const rows = await this.db.query<{ member_id: string; period: string; first_at: Date; revision: number }[]>(
      `SELECT member_id, period, min(received_at) AS first_at, max(revision) AS revision
         FROM submissions WHERE dataset_id = $1 AND period = ANY($2) AND ($3::uuid IS NULL OR member_id = $3)
        GROUP BY member_id, period`,
      [dataset.id, periods, own],
    );
    const got = new Map(rows.map((r) => [`${r.member_id}|${r.period}`, r]));
    const out: CompletenessCellModel[] = [];
    for (const m of members) {
      for (const period of periods) {
        const dueAt = new Date(periodEnd(period).getTime() + dataset.dueDays * 86_400_000);
        const r = got.get(`${m.id}|${period}`);
        // nothing was owed for a period due before the member joined (a report of it is still shown)
        const owed = !m.admitted_at || dueAt >= new Date(m.admitted_at);
        const status = r ? (new Date(r.first_at) <= dueAt ? 'on_time' : 'late') : !owed ? 'before_admission' : dueAt < now ? 'missing' : 'not_due';
        out.push({ memberId: m.id, memberName: m.name, period, status, firstReceivedAt: r ? new Date(r.first_at) : null, dueAt, revision: r ? Number(r.revision) : null });
      }
    }
    return out;
  }

  private periods(dataset: DatasetDecl, from: string, to: string): string[] {
    // Each bound's error names its own field; the range's (to before from, too long) names `from`.
    const parse = (field: 'from' | 'to', text: string): ReturnType<typeof parsePeriod> => {
      try {
        const p = parsePeriod(text);
        if (p.type !== dataset.periodType) throw bad(field, `${dataset.id} is reported by ${dataset.periodType}`);
        return p;
      } catch (e) {
        if (e instanceof PeriodError) throw bad(field, e.message);
        throw e;
      }
    };
    const a = parse('from', from);
    const b = parse('to', to);
    try {
      return periodRange(a, b, MAX_PERIODS).map(formatPeriod);
    } catch (e) {
      if (e instanceof PeriodError) throw bad('from', e.message);
      throw e;
    }
  }

  /** The query as groups, each the list of disjoint table cells whose sum it asks for. */
  private plan(L: TableLayout, q: StatisticsQueryInput): { groups: { key: string[]; cells: number[]; reads: number }[] } {
    const dimIndex = new Map(L.dims.map((d, i) => [d, i]));
    const choice: number[][] = L.sizes.map((n) => [n - 1]); // `_T` unless grouped or filtered
    const grouped = new Set<number>();
    const filtered = new Set<number>();
    for (const f of q.filters) {
      const d = dimIndex.get(f.dimension);
      if (d === undefined) throw bad('filters.dimension', `${f.dimension} is not a dimension of ${q.datasetId}`);
      // Two filters on one dimension would leave their meaning (both? either?) to chance: list the codes in one.
      if (filtered.has(d)) throw bad('filters.dimension', `${f.dimension} is filtered twice; give its codes in one filter`);
      filtered.add(d);
      const idx = [...new Set(f.codes)].map((c) => {
        const i = L.codeIndex[d].get(c);
        if (i === undefined || c === TOTAL_CODE) throw bad('filters.codes', `${c.slice(0, 40)} is not a code of ${f.dimension}`);
        return i;
      });
      if (idx.length === 0) throw bad('filters.codes', 'a filter needs at least one code');
      choice[d] = idx;
    }
    const groupDims = q.groupBy.map((g) => {
      const d = dimIndex.get(g);
      if (d === undefined) throw bad('groupBy', `${g} is not a dimension of ${q.datasetId}`);
      if (grouped.has(d)) throw bad('groupBy', `${g} appears twice`);
      grouped.add(d);
      return d;
    });
    // Groups: every combination of the grouped dimensions' codes (or their filter codes).
    let groups: { key: string[]; fixed: Map<number, number> }[] = [{ key: [], fixed: new Map() }];
    for (const d of groupDims) {
      const codes = choice[d][0] === L.sizes[d] - 1 ? L.codes[d].map((_, i) => i) : choice[d];
      groups = groups.flatMap((g) => codes.map((c) => ({ key: [...g.key, L.codes[d][c]], fixed: new Map([...g.fixed, [d, c]]) })));
      if (groups.length > MAX_ANSWER_CELLS) throw new HubError('QUERY_TOO_COMPLEX', 'Too many groups');
    }
    return {
      groups: groups.map((g) => {
        let cells = [0];
        let reads = 1;
        for (let d = 0; d < L.sizes.length; d++) {
          const opts = g.fixed.has(d) ? [g.fixed.get(d) as number] : choice[d];
          cells = cells.flatMap((base) => opts.map((o) => base + o * L.strides[d]));
          // a total stands for every code of its dimension
          reads *= opts.reduce((n, o) => n + (o === L.sizes[d] - 1 ? L.sizes[d] - 1 : 1), 0);
        }
        return { key: g.key, cells, reads };
      }),
    };
  }

  private memberCell(data: Map<string, PeriodData>, periods: string[], memberId: string, cells: number[]): Omit<StatCellModel, 'period' | 'memberId' | 'key'> {
    let sum = 0;
    let reported = false;
    for (const period of periods) {
      const t = data.get(period)?.members?.get(memberId);
      if (!t) continue;
      reported = true;
      for (const c of cells) sum += t[c];
    }
    if (!reported) return MISSING;
    return Number.isNaN(sum) ? { value: null, obsStatus: 'Q', confStatus: 'D' } : { value: sum, obsStatus: 'A', confStatus: 'F' };
  }

  /** Association: combined figures with member identity allowed, so only sender suppression applies. */
  private exactCell(data: Map<string, PeriodData>, periods: string[], cells: number[]): Omit<StatCellModel, 'period' | 'memberId' | 'key'> {
    let sum = 0;
    let reported = false;
    for (const period of periods) {
      for (const t of data.get(period)?.members?.values() ?? []) {
        reported = true;
        for (const c of cells) sum += t[c];
      }
    }
    if (!reported) return MISSING;
    return Number.isNaN(sum) ? { value: null, obsStatus: 'Q', confStatus: 'D' } : { value: sum, obsStatus: 'A', confStatus: 'F' };
  }

  private protectedCell(data: Map<string, PeriodData>, periods: string[], cells: number[]): Omit<StatCellModel, 'period' | 'memberId' | 'key'> {
    let sum = 0;
    let hubHidden = false;
    let reported = false;
    for (const period of periods) {
      // a period not yet due is answered as one nobody reported: hidden cells would tell outsiders that a member has
      const pd = data.get(period);
      const t = pd?.due === false ? undefined : pd?.protectedTable;
      if (!t) continue;
      reported = true;
      // Hidden parts do not hide a sum the published cells determine (a filter on every code is its total).
      const value = answer(t, cells);
      if (value === null) {
        const values = cells.map((c) => t.value[c]);
        hubHidden = cells.some((c) => t.hidden[c] === Hidden.Primary || t.hidden[c] === Hidden.Secondary) || !values.some((v) => Number.isNaN(v));
        return { value: null, obsStatus: 'Q', confStatus: hubHidden ? 'S' : 'D' };
      }
      sum += value;
    }
    if (!reported) return MISSING;
    return { value: sum, obsStatus: 'A', confStatus: 'F' };
  }

  /**
   * Per period, what the audience needs, from the cache when the current submissions did not change.
   * The fingerprint (a digest of the ids of the current submissions, so 32 bytes per period cross the
   * wire, not every id) is one query on an index; a changed period is rebuilt alone.
   */
  /**
   * `version`: the standard the layout was made from, read once by the caller (read again here, a
   * version published meanwhile cached a table of the old layout under the new version's key).
   */
  private async load(version: string, dataset: DatasetDecl, L: TableLayout, periods: string[], need: Need): Promise<Map<string, PeriodData>> {
    // a new version of the standard: the tables kept under the one before are never asked for again
    if (version !== this.cachedVersion) {
      for (const key of [...this.cache.keys()]) if (key.split('|')[1] !== version) this.cache.delete(key);
      this.cachedVersion = version;
    }
    const current = await this.db.query<{ period: string; fp: string }[]>(
      `SELECT period, md5(string_agg(id::text, ',' ORDER BY id)) AS fp FROM submissions
        WHERE dataset_id = $1 AND period = ANY($2) AND is_current GROUP BY period`,
      [dataset.id, periods],
    );
    const out = new Map<string, PeriodData>();
    const missing: string[] = [];
    for (const r of current) {
      const cacheKey = `${dataset.id}|${version}|${r.period}`;
      let pd = this.cache.get(cacheKey);
      if (!pd || pd.fingerprint !== r.fp) {
        pd = { fingerprint: r.fp };
        this.cache.set(cacheKey, pd);
      }
      out.set(r.period, pd);
      if (need === 'members' ? !pd.members : !pd.protectedTable || isStale(dataset, r.period, pd)) missing.push(r.period);
    }
    if (missing.length > 0) {
      if (need === 'members') await this.loadMembers(dataset, L, missing, out);
      else await this.loadCombined(dataset, L, missing, out);
    }
    return out;
  }

  /** Index of a cell key in the layout, or -1 when a code is not in it. */
  /** protectRevision, called through the class so a test can make it find no pattern. */
  static protectRevision(...args: Parameters<typeof protectRevision>): ProtectedTable {
    return protectRevision(...args);
  }

  private static indexOfKey(L: TableLayout, key: string): number {
    const codes = key.split('|');
    if (codes.length !== L.sizes.length) return -1;
    let idx = 0;
    for (let d = 0; d < codes.length; d++) {
      const ci = L.codeIndex[d].get(codes[d]);
      if (ci === undefined) return -1;
      idx += ci * L.strides[d];
    }
    return idx;
  }

  private async loadMembers(dataset: DatasetDecl, L: TableLayout, periods: string[], out: Map<string, PeriodData>): Promise<void> {
    // Keys as one text each ('|' never occurs in a code): parsing text[] per row costs more than the query.
    const rows = await this.db.query<{ period: string; member_id: string; k: string; value: number | null }[]>(
      `SELECT s.period, s.member_id, array_to_string(c.key, '|') AS k, c.value FROM submissions s JOIN submission_cells c ON c.submission_id = s.id
        WHERE s.dataset_id = $1 AND s.period = ANY($2) AND s.is_current`,
      [dataset.id, periods],
    );
    const fresh = new Map(periods.map((p) => [p, new Map<string, Float64Array>()]));
    for (const r of rows) {
      const members = fresh.get(r.period);
      if (!members) continue;
      let t = members.get(r.member_id);
      if (!t) {
        t = new Float64Array(L.total).fill(Number.NaN);
        members.set(r.member_id, t);
      }
      const idx = StatisticsService.indexOfKey(L, r.k);
      if (idx >= 0) t[idx] = r.value === null ? Number.NaN : r.value;
    }
    for (const [p, members] of fresh) {
      const pd = out.get(p);
      if (pd) pd.members = members;
    }
  }

  /**
   * The combined tables of these periods, protected for audiences without member identity, under one
   * lock per dataset (across replicas): read what was served, build, record.
   */
  private async loadCombined(dataset: DatasetDecl, L: TableLayout, periods: string[], out: Map<string, PeriodData>): Promise<void> {
    // One build per dataset at a time in this process, the others waiting here without a connection: the aliased
    // fields of one request (or many requests) after a new submission each took a connection to wait on the lock,
    // and a few dozen took the whole pool. A build that went first leaves nothing to do.
    const before = this.building.get(dataset.id) ?? Promise.resolve();
    let done!: () => void;
    const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.building.set(dataset.id, mine);
    await before;
    try {
      const todo = periods.filter((p) => {
        const pd = out.get(p);
        return !pd?.protectedTable || isStale(dataset, p, pd);
      });
      if (todo.length > 0) await this.buildAndRecord(dataset, L, todo, out);
    } finally {
      done();
      if (this.building.get(dataset.id) === mine) this.building.delete(dataset.id);
    }
  }

  private async buildAndRecord(dataset: DatasetDecl, L: TableLayout, periods: string[], out: Map<string, PeriodData>): Promise<void> {
    let built = new Map<string, Required<Pick<PeriodData, 'protectedTable' | 'due'>> & Pick<PeriodData, 'revisableAt'>>();
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paivand.served-hidden:' || $1))`, [dataset.id]);
      const current = await tx.query<{ period: string; ids: string[] }[]>(
        `SELECT period, array_agg(id::text ORDER BY id) AS ids FROM submissions WHERE dataset_id = $1 AND period = ANY($2) AND is_current GROUP BY period`,
        [dataset.id, periods],
      );
      built = await this.buildCombined(tx, dataset, L, new Map(current.map((r) => [r.period, r.ids])));
    });
    // into the cache once recorded: a table whose record did not commit is never served
    for (const [p, b] of built) {
      const pd = out.get(p);
      if (pd) Object.assign(pd, b);
    }
  }

  /**
   * The combined table of each period built from these submissions, summed by Postgres (one row per
   * period and cell instead of one per member and cell): value unknown (NaN) when any of the
   * submissions did not publish the cell, contributors = members with a count above zero.
   */
  private static async combined(tx: EntityManager, L: TableLayout, ids: string[]): Promise<Map<string, { value: Float64Array; contributors: Int32Array }>> {
    const rows = await tx.query<{ period: string; k: string; value: number | null; contributors: number }[]>(
      `WITH cur AS (SELECT id, period, count(*) OVER (PARTITION BY period) AS members FROM submissions WHERE id = ANY($1::uuid[]))
       SELECT cur.period, array_to_string(c.key, '|') AS k,
              CASE WHEN count(c.value) = min(cur.members) THEN sum(c.value)::float8 END AS value,
              (count(*) FILTER (WHERE c.value > 0))::int AS contributors
         FROM cur JOIN submission_cells c ON c.submission_id = cur.id
        GROUP BY cur.period, c.key`,
      [ids],
    );
    const out = new Map<string, { value: Float64Array; contributors: Int32Array }>();
    for (const r of rows) {
      let t = out.get(r.period);
      if (!t) {
        t = { value: new Float64Array(L.total).fill(Number.NaN), contributors: new Int32Array(L.total) };
        out.set(r.period, t);
      }
      const idx = StatisticsService.indexOfKey(L, r.k);
      if (idx < 0) continue;
      t.value[idx] = r.value === null ? Number.NaN : r.value;
      t.contributors[idx] = r.contributors;
    }
    return out;
  }

  /**
   * Per cell, how many members' figures differ between two sets of submissions of one period: a cell a
   * member withheld in either, or a count that moved (a member in one set only: its cells above zero; a
   * zero it adds or takes away moves nothing, as a zero makes no contributor of a combined cell).
   */
  private static async changedMembers(tx: EntityManager, L: TableLayout, before: string[], after: string[]): Promise<Int32Array> {
    const rows = await tx.query<{ k: string; changed: number }[]>(
      `WITH o AS (SELECT s.member_id, array_to_string(c.key, '|') AS k, c.value FROM submissions s JOIN submission_cells c ON c.submission_id = s.id WHERE s.id = ANY($1::uuid[])),
            n AS (SELECT s.member_id, array_to_string(c.key, '|') AS k, c.value FROM submissions s JOIN submission_cells c ON c.submission_id = s.id WHERE s.id = ANY($2::uuid[]))
       SELECT coalesce(o.k, n.k) AS k,
              (count(DISTINCT coalesce(o.member_id, n.member_id)) FILTER (
                 WHERE (o.member_id IS NOT NULL AND o.value IS NULL) OR (n.member_id IS NOT NULL AND n.value IS NULL) OR coalesce(o.value, 0) <> coalesce(n.value, 0)))::int AS changed
         FROM o FULL JOIN n ON o.member_id = n.member_id AND o.k = n.k
        GROUP BY 1`,
      [before, after],
    );
    const changed = new Int32Array(L.total);
    for (const r of rows) {
      const idx = StatisticsService.indexOfKey(L, r.k);
      if (idx >= 0) changed[idx] = r.changed;
    }
    return changed;
  }

  /**
   * The protected combined table of each period from its current submissions (`current`: ids by
   * period). Before a period is due nothing is shown: members are still reporting. Once due:
   * - Cells hidden in an earlier table of the period stay hidden (served_hidden_cells): a table is
   *   built again whenever a member submits or revises, and two tables with different hidden cells
   *   could be combined by a member who subtracts its own figures from both.
   * - The first table served is recorded (served_tables) and served as it is, from the same
   *   submissions, for REVISION_DAYS, whatever members send meanwhile: anyone who saw it could
   *   subtract it from a table with one more member, or one member's revision, and read that
   *   member's figures (DESIGN rule 6). After that a table with the newer submissions is served,
   *   protected against that difference too (protectRevision), and recorded as the next version.
   */
  private async buildCombined(
    tx: EntityManager,
    dataset: DatasetDecl,
    L: TableLayout,
    current: Map<string, string[]>,
  ): Promise<Map<string, Required<Pick<PeriodData, 'protectedTable' | 'due'>> & Pick<PeriodData, 'revisableAt'>>> {
    const built = new Map<string, Required<Pick<PeriodData, 'protectedTable' | 'due'>> & Pick<PeriodData, 'revisableAt'>>();
    const periods = [...current.keys()];
    const before = await tx.query<{ period: string; cell_key: string }[]>(
      `SELECT period, cell_key FROM served_hidden_cells WHERE dataset_id = $1 AND period = ANY($2)`,
      [dataset.id, periods],
    );
    const hiddenBefore = new Map<string, number[]>();
    for (const r of before) {
      const idx = StatisticsService.indexOfKey(L, r.cell_key);
      if (idx < 0) continue;
      const list = hiddenBefore.get(r.period);
      if (list) list.push(idx);
      else hiddenBefore.set(r.period, [idx]);
    }
    // every table served of these periods, oldest first: the last decides what is served now, a revision is protected against all
    const servedAll = await tx.query<{ period: string; version: number; ids: string[]; served_at: Date }[]>(
      `SELECT period, version, submission_ids::text[] AS ids, served_at FROM served_tables WHERE dataset_id = $1 AND period = ANY($2) ORDER BY period, version`,
      [dataset.id, periods],
    );
    const served = new Map(servedAll.map((r) => [r.period, r]));
    const now = Date.now();
    type Plan = { ids: string[]; kind: 'early' | 'first' | 'same' | 'frozen' | 'revision'; revisableAt?: number; version?: number };
    const plans = new Map<string, Plan>();
    for (const [p, ids] of current) {
      const last = served.get(p);
      // a period served once stays due: a later version of the standard with more dueDays would otherwise take back
      // a table the public has seen (all of it hidden until the new day), and serve it again then as a first table
      if (!last && !isDue(dataset, p, now)) plans.set(p, { ids, kind: 'early' });
      else if (!last) plans.set(p, { ids, kind: 'first' });
      else if (last.ids.length === ids.length && last.ids.every((id, i) => id === ids[i])) plans.set(p, { ids, kind: 'same' });
      else if (now < last.served_at.getTime() + REVISION_DAYS * DAY_MS) plans.set(p, { ids: last.ids, kind: 'frozen', revisableAt: last.served_at.getTime() + REVISION_DAYS * DAY_MS });
      else plans.set(p, { ids, kind: 'revision', version: last.version + 1 });
    }
    const tables = await StatisticsService.combined(tx, L, [...plans.values()].flatMap((x) => x.ids));
    const minContributors = dataset.protection.minContributors;
    const everything = Array.from({ length: L.total }, (_, i) => i);
    const recordHidden: { period: string; keys: string[] }[] = [];
    for (const [p, plan] of plans) {
      const t = tables.get(p) ?? { value: new Float64Array(L.total).fill(Number.NaN), contributors: new Int32Array(L.total) };
      const hidden = hiddenBefore.get(p) ?? [];
      let table: ProtectedTable;
      if (plan.kind === 'early') {
        // Not due yet: a table served now would be one of several that differ only by what the late ones add. Nothing is shown or recorded.
        table = protectCombined(L, t.value, t.contributors, minContributors, everything);
      } else if (plan.kind === 'revision') {
        // against every version served before (a revision that undoes part of the last one would otherwise show the first's difference)
        const earlier: { value: Float64Array; changedMembers: Int32Array }[] = [];
        const servedHere = servedAll.filter((r) => r.period === p);
        // the table served last, as it was: kept for the case no pattern protects the revision
        let lastServed: { value: Float64Array; contributors: Int32Array } = { value: new Float64Array(L.total).fill(Number.NaN), contributors: new Int32Array(L.total) };
        for (const v of servedHere) {
          const old = (await StatisticsService.combined(tx, L, v.ids)).get(p);
          if (old) lastServed = old;
          earlier.push({ value: old?.value ?? new Float64Array(L.total).fill(Number.NaN), changedMembers: await StatisticsService.changedMembers(tx, L, v.ids, plan.ids) });
        }
        let revised: ProtectedTable | undefined;
        try {
          revised = StatisticsService.protectRevision(L, t.value, t.contributors, earlier, minContributors, hidden);
        } catch {
          revised = undefined;
        }
        if (revised) {
          table = revised;
          await tx.query(`INSERT INTO served_tables (dataset_id, period, version, submission_ids) VALUES ($1, $2, $3, $4::uuid[])`, [dataset.id, p, plan.version, plan.ids]);
        } else {
          // No pattern protects the revision: the table served last stays served, as it was (it tells nobody
          // anything new), and no version is recorded, so the revision is tried again once members send more.
          // Serving every cell hidden instead recorded them all as served hidden, which kept the period blank for good.
          table = protectCombined(L, lastServed.value, lastServed.contributors, minContributors, hidden);
          this.log.warn(`no protection found for the revision of ${dataset.id} ${p}: the table served before (version ${servedHere[servedHere.length - 1].version}) stays`);
        }
      } else {
        table = protectCombined(L, t.value, t.contributors, minContributors, hidden);
        if (plan.kind === 'first') await tx.query(`INSERT INTO served_tables (dataset_id, period, version, submission_ids) VALUES ($1, $2, 1, $3::uuid[])`, [dataset.id, p, plan.ids]);
      }
      built.set(p, { protectedTable: table, due: plan.kind !== 'early', revisableAt: plan.revisableAt });
      if (plan.kind === 'early') continue;
      const known = new Set(hidden);
      const keys: string[] = [];
      for (let i = 0; i < L.total; i++) if (table.hidden[i] !== Hidden.No && !known.has(i)) keys.push(keyOf(L, i));
      if (keys.length > 0) recordHidden.push({ period: p, keys });
    }
    for (const { period, keys } of recordHidden) {
      await tx.query(
        `INSERT INTO served_hidden_cells (dataset_id, period, cell_key) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
        [dataset.id, period, keys],
      );
    }
    return built;
  }
}

/** A period's combined table built before it was due that is due now, or past the day it may be revised. */
function isStale(dataset: DatasetDecl, period: string, pd: PeriodData): boolean {
  return (pd.due === false && isDue(dataset, period)) || (pd.revisableAt !== undefined && Date.now() >= pd.revisableAt);
}

/** When members' releases of a period are due (its end plus the dataset's dueDays): the hub serves its combined table from then on. */
function isDue(dataset: DatasetDecl, period: string, now = Date.now()): boolean {
  return periodEnd(period).getTime() + dataset.dueDays * 86_400_000 <= now;
}

/** The key of a cell of the layout: its codes joined by `|` (`_T` for a total). */
function keyOf(L: TableLayout, idx: number): string {
  return coordsOf(L, idx)
    .map((c, d) => (c === L.sizes[d] - 1 ? TOTAL_CODE : L.codes[d][c]))
    .join('|');
}
