import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLI_EXIT, databaseExit } from '@paivand/nest-common';
import { comparePeriods, formatPeriod, generalizePeriod, parsePeriod, periodEnd, periodOfDate, periodRange, previousPeriod } from '@paivand/schema';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { StandardSyncService } from '../standard-sync/standard-sync.service';
import { PrepareOptions, PrepareProgress, PrepareResult, ReleasesService } from './releases.service';

/** A period the job checks, and how. */
interface DuePeriod {
  readonly period: string;
  /** Past the window of new periods: only its released tables are revised. */
  readonly revisionsOnly: boolean;
}

/**
 * The release job: for every period type the node releases, each closed period from the
 * first month with data (at most RELEASE_LOOKBACK_MONTHS back) is prepared when it has
 * never been released, and revised when late entries changed its counts. Every period with
 * a live release is checked too, whatever its age and whether or not data remains for it
 * (a withdrawn consent or a deleted case leaves its next revision): its released tables are
 * revised when their figures changed. An unchanged period costs its aggregation queries,
 * never a protection run (`prepare` compares input fingerprints first).
 */
@Injectable()
export class ReleaseScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger(ReleaseScheduler.name);
  private running: Promise<PrepareResult[]> | null = null;
  /** The UTC day the scheduled run last checked the released periods before the lookback window. */
  private oldPeriodsCheckedOn: string | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly releases: ReleasesService,
    private readonly standards: StandardSyncService,
    private readonly config: NodeConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.FEDERATION_JOBS) return;
    this.scheduler.addInterval(
      'release-check',
      setInterval(() => void this.runScheduled().catch((err: unknown) => this.log.error(`release job failed: ${err instanceof Error ? err.name : 'error'}`)), this.config.RELEASE_CHECK_INTERVAL_MS),
    );
  }

  /** Closed periods that may need a release, oldest first. */
  async duePeriods(now: Date = new Date()): Promise<string[]> {
    return (await this.due(now)).map((d) => d.period);
  }

  private async due(now: Date): Promise<DuePeriod[]> {
    const standard = await this.standards.current();
    const types = [...new Set(standard.datasets.map((d) => d.periodType))];
    // as text: node-postgres reads a `date` as local midnight, which east of UTC is the day before in UTC
    const [{ first }] = await this.db.query<{ first: string | null }[]>(
      `SELECT to_char(least((SELECT min(reported_date) FROM incidents WHERE centre_id = $1), (SELECT min(date) FROM service_deliveries WHERE centre_id = $1),
                    (SELECT min(date) FROM consultations WHERE centre_id = $1)), 'YYYY-MM-DD') AS first`,
      [this.config.CENTRE_ID],
    );
    const lookback = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - this.config.RELEASE_LOOKBACK_MONTHS, 1));
    const firstDate = first ? new Date(`${first}T00:00:00Z`) : null;
    // no data left at all: only released periods remain to check
    const start = firstDate && (firstDate > lookback ? firstDate : lookback);
    const out: DuePeriod[] = [];
    for (const type of types) {
      const datasets = await this.releases.datasetsFor(type);
      if (datasets.length === 0) continue;
      let last = previousPeriod(periodOfDate(now, type));
      if (periodEnd(last) > now) last = previousPeriod(last);
      const window = new Set<string>();
      const from = start && generalizePeriod(formatPeriod(periodOfDate(start, 'month')), type);
      if (from && comparePeriods(from, last) <= 0) for (const p of periodRange(from, last)) window.add(formatPeriod(p));
      for (const period of window) out.push({ period, revisionsOnly: false });
      for (const period of await this.releases.revisablePeriods(datasets)) {
        if (!window.has(period) && comparePeriods(period, last) <= 0) out.push({ period, revisionsOnly: true });
      }
    }
    // by the end of the period; a month before the quarter that ends with it
    out.sort((a, b) => periodEnd(a.period).getTime() - periodEnd(b.period).getTime() || comparePeriods(b.period, a.period));
    return out;
  }

  /**
   * The interval's run: the periods of the lookback window every time, the released periods before it
   * (revisions only) on the first run of each UTC day. Each of those costs its aggregation queries, and
   * a centre with years of releases would run them by the hundred every hour for changes (a consent
   * withdrawn, a record deleted) that can wait a day.
   */
  async runScheduled(now: Date = new Date()): Promise<PrepareResult[]> {
    const day = now.toISOString().slice(0, 10);
    const old = this.oldPeriodsCheckedOn !== day;
    const results = await this.runDue(now, undefined, undefined, { oldPeriods: old });
    if (old) this.oldPeriodsCheckedOn = day;
    return results;
  }

  /**
   * One run of the job (also `paivand-node prepare` without a period). Runs are never concurrent in one
   * process. `oldPeriods: false` leaves out the released periods before the lookback window.
   */
  async runDue(
    now: Date = new Date(),
    onPeriod?: (r: PrepareResult, i: number, n: number) => void,
    onProgress?: (p: PrepareProgress) => void,
    { oldPeriods = true }: { oldPeriods?: boolean } = {},
  ): Promise<PrepareResult[]> {
    if (this.running) return this.running;
    this.running = (async () => {
      const periods = (await this.due(now)).filter((d) => oldPeriods || !d.revisionsOnly);
      const results: PrepareResult[] = [];
      for (const [i, { period, revisionsOnly }] of periods.entries()) {
        const r = await this.prepareOne(period, now, onProgress, { revisionsOnly });
        results.push(r);
        onPeriod?.(r, i + 1, periods.length);
      }
      return results;
    })();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** One period of a run: an error fails that period only, so one bad period never holds up the later ones. */
  private async prepareOne(period: string, now: Date, onProgress: ((p: PrepareProgress) => void) | undefined, options: PrepareOptions): Promise<PrepareResult> {
    try {
      return await this.releases.prepare(period, now, onProgress, options);
    } catch (err) {
      const errorCode =
        err instanceof NodeError ? String(err.details?.reason ?? err.code) : databaseExit(err, '')?.code === CLI_EXIT.DATABASE_UNREACHABLE ? 'DATABASE_UNREACHABLE' : 'INTERNAL';
      // the kind of error only: a driver's message may quote values
      this.log.error(`release of ${period} failed (${err instanceof Error ? err.name : 'error'}${err instanceof NodeError ? ` ${errorCode}` : ''}); the next run tries again`);
      return { period, periodType: parsePeriod(period).type, status: 'failed', releases: [], errorCode };
    }
  }
}
