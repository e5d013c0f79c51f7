import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { comparePeriods, formatPeriod, generalizePeriod, Period, periodEnd, periodOfDate, periodRange, previousPeriod } from '@paivand/schema';
import { NodeConfig } from '../config/node-config';
import { StandardSyncService } from '../standard-sync/standard-sync.service';
import { PrepareProgress, PrepareResult, ReleasesService } from './releases.service';

/**
 * The release job: for every period type the node releases, each closed period from the
 * first month with data (at most RELEASE_LOOKBACK_MONTHS back) is prepared when it has
 * never been released, and revised when late entries changed its counts.
 */
@Injectable()
export class ReleaseScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger(ReleaseScheduler.name);
  private running: Promise<PrepareResult[]> | null = null;

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
      setInterval(() => void this.runDue().catch((err: unknown) => this.log.error(`release job failed: ${err instanceof Error ? err.name : 'error'}`)), this.config.RELEASE_CHECK_INTERVAL_MS),
    );
  }

  /** Closed periods that may need a release, oldest first. */
  async duePeriods(now: Date = new Date()): Promise<string[]> {
    const standard = await this.standards.current();
    const types = [...new Set(standard.datasets.map((d) => d.periodType))];
    const [{ first }] = await this.db.query<{ first: Date | string | null }[]>(
      `SELECT least((SELECT min(reported_date) FROM incidents WHERE centre_id = $1), (SELECT min(date) FROM service_deliveries WHERE centre_id = $1),
                    (SELECT min(date) FROM consultations WHERE centre_id = $1)) AS first`,
      [this.config.CENTRE_ID],
    );
    if (!first) return [];
    const firstDate = new Date(first);
    const lookback = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - this.config.RELEASE_LOOKBACK_MONTHS, 1));
    const start = firstDate > lookback ? firstDate : lookback;
    const out: Period[] = [];
    for (const type of types) {
      if ((await this.releases.datasetsFor(type)).length === 0) continue;
      let last = previousPeriod(periodOfDate(now, type));
      if (periodEnd(last) > now) last = previousPeriod(last);
      const from = generalizePeriod(formatPeriod(periodOfDate(start, 'month')), type);
      if (comparePeriods(from, last) > 0) continue;
      out.push(...periodRange(from, last));
    }
    // by the end of the period; a month before the quarter that ends with it
    out.sort((a, b) => periodEnd(a).getTime() - periodEnd(b).getTime() || comparePeriods(b, a));
    return out.map(formatPeriod);
  }

  /** One run of the job (also `paivand-node prepare` without a period). Runs are never concurrent in one process. */
  async runDue(now: Date = new Date(), onPeriod?: (r: PrepareResult, i: number, n: number) => void, onProgress?: (p: PrepareProgress) => void): Promise<PrepareResult[]> {
    if (this.running) return this.running;
    this.running = (async () => {
      const periods = await this.duePeriods(now);
      const results: PrepareResult[] = [];
      for (const [i, p] of periods.entries()) {
        const r = await this.releases.prepare(p, now, onProgress);
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
}
