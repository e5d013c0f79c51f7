import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkStandardDocument, compareVersions, incompatibilities, STANDARD, Standard, StandardDocumentError, StandardIndex } from '@paivand/schema';
import { NodeConfig } from '../config/node-config';
import { HUB_CLIENT } from '../federation/federation.providers';
import { HubClient, HubUnavailableError } from '../federation/hub-client';
import { NodeStandardEntity } from './node-standard.entity';

export type SyncOutcome =
  | { status: 'updated' | 'unchanged'; version: string }
  | { status: 'unreachable' | 'offline'; version: string }
  /** The hub's document is none this node takes (`problems`: the fields): it keeps `version`. */
  | { status: 'refused'; version: string; offered: string | null; problems: string[] };

/**
 * The standard this node works on: the newest version pulled from the hub and stored
 * locally, or, before the hub has ever answered, the version built into this code (code
 * that ships a version the Association has not published yet does not get ahead of the
 * hub: the hub would refuse every release declaring it). When the hub is unreachable the
 * node keeps the version it has.
 *
 * A document from the hub is checked before the node switches to it, as the hub checks one
 * before publishing it: the structure the node relies on, and against the version the node
 * holds, nothing taken away or weakened (protection, codes, a code moved to another parent).
 * The node is where survivors' records are: a hub that is misconfigured or not the
 * Association's (a staging hub, a compromised one) must not lower the protection its
 * releases get, nor pin it to a version the real hub refuses.
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
    this.cached = new StandardIndex(newest ?? STANDARD);
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
    const held = await this.current();
    const offered = typeof (doc as { version?: unknown } | null)?.version === 'string' ? doc.version.slice(0, 40) : null;
    const refuse = (problems: string[]): SyncOutcome => {
      this.log.error(`the hub's standard ${offered ?? '(no version)'} is not one this node takes (${problems.join(', ')}); keeping ${held.version}`);
      return { status: 'refused', version: held.version, offered, problems };
    };
    let next: Standard;
    try {
      next = checkStandardDocument(doc);
    } catch (err) {
      if (err instanceof StandardDocumentError) return refuse([err.field]);
      throw err;
    }
    if (compareVersions(next.version, held.version) > 0) {
      const problems = incompatibilities(held.standard, next);
      if (problems.length > 0) return refuse(problems.map((p) => p.field));
    }
    const inserted = await this.store(next);
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
