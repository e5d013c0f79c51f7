import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { compareVersions, STANDARD, Standard, StandardIndex } from '@paivand/schema';
import { NodeConfig } from '../config/node-config';
import { HUB_CLIENT } from '../federation/federation.providers';
import { HubClient, HubUnavailableError } from '../federation/hub-client';
import { NodeStandardEntity } from './node-standard.entity';

export type SyncOutcome = { status: 'updated' | 'unchanged'; version: string } | { status: 'unreachable' | 'offline'; version: string };

/**
 * The standard this node works on: the newest version pulled from the hub and stored
 * locally, or the version built into this code. When the hub is unreachable the node
 * keeps the version it has.
 */
@Injectable()
export class StandardSyncService implements OnApplicationBootstrap {
  private readonly log = new Logger(StandardSyncService.name);
  private cached: StandardIndex | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CLIENT) private readonly hub: HubClient | null,
    private readonly config: NodeConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.FEDERATION_JOBS || !this.hub) return;
    const run = (): void => void this.sync().catch((err: unknown) => this.log.warn(`standard sync failed: ${err instanceof Error ? err.name : 'error'}`));
    setTimeout(run, 0).unref();
    this.scheduler.addInterval('standard-sync', setInterval(run, this.config.STANDARD_SYNC_INTERVAL_MS));
  }

  /** The standard to prepare releases with. */
  async current(): Promise<StandardIndex> {
    if (this.cached) return this.cached;
    const stored = await this.db.getRepository(NodeStandardEntity).find();
    const newest = stored.map((s) => s.document).sort((a, b) => compareVersions(b.version, a.version))[0];
    const doc = newest && compareVersions(newest.version, STANDARD.version) >= 0 ? newest : STANDARD;
    this.cached = new StandardIndex(doc);
    return this.cached;
  }

  /** Pulls the hub's current standard and stores it when it is new. Never throws for an unreachable hub. */
  async sync(): Promise<SyncOutcome> {
    if (!this.hub) return { status: 'offline', version: (await this.current()).version };
    let doc: Standard;
    try {
      doc = await this.hub.standard();
    } catch (err) {
      if (err instanceof HubUnavailableError) {
        this.log.warn(`hub unreachable for the standard; keeping ${(await this.current()).version}`);
        return { status: 'unreachable', version: (await this.current()).version };
      }
      throw err;
    }
    if (!doc || typeof doc.version !== 'string' || !Array.isArray(doc.datasets) || !Array.isArray(doc.codelists)) {
      throw new Error('the hub answered with something that is not a standard');
    }
    const inserted = await this.store(doc);
    if (inserted) this.log.log(`standard ${doc.version} pulled from the hub`);
    return { status: inserted ? 'updated' : 'unchanged', version: (await this.current()).version };
  }

  /** Keeps a standard document (as pulled from the hub); true when the version is new here. */
  async store(doc: Standard): Promise<boolean> {
    const result = await this.db.createQueryBuilder().insert().into(NodeStandardEntity).values({ version: doc.version, document: doc }).orIgnore().execute();
    this.cached = null;
    return (result.raw as unknown[]).length > 0;
  }
}
