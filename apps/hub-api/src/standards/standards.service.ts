import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { compareVersions, STANDARD, Standard, StandardIndex } from '@paivand/schema';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { StandardVersionEntity } from './standard-version.entity';
import { notePublishedStandard } from './published-standard';
import { checkStandardDocument, incompatibilities } from './standard-document';

/**
 * How long a replica trusts its idea of which version is current. Replicas share one database,
 * and another replica may publish: after at most this long, every replica serves the new one.
 */
export const CURRENT_VERSION_TTL_MS = 5_000;

/** Versions of the standard, stored as documents; indexes are cached (a published version never changes). */
@Injectable()
export class StandardsService implements OnApplicationBootstrap {
  private readonly log = new Logger(StandardsService.name);
  private readonly indexes = new Map<string, StandardIndex>();
  private currentVersion: { version: string; readAt: number } | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Tests and the drift check boot the app before migrating nothing: only seed when the table exists.
    const exists = (await this.db.query<{ ok: boolean }[]>(`SELECT to_regclass('standard_versions') IS NOT NULL AS ok`));
    if (exists[0]?.ok) {
      const seeded = await this.db.transaction((tx) => this.seed(tx));
      // the rules that check input against the published version (publishedStandard) know it from the start
      const current = await this.current();
      if (!seeded && current.version !== STANDARD.version) {
        this.log.log(`Serving published standard ${current.version}; ${STANDARD.version}, the version built into this code, is not stored (the Association publishes versions)`);
      }
    }
  }

  /**
   * Stores the standard this code implements as the current version when no version is stored yet;
   * true when it did. Once any version is stored, versions come only through publish(), which checks
   * them: a code's version stored next to them would be served unchecked and could never be published.
   */
  async seed(tx: EntityManager, standard: Standard = STANDARD): Promise<boolean> {
    const rows = await tx.query<{ version: string }[]>(
      `INSERT INTO standard_versions (version, document, is_current)
       SELECT $1, $2::jsonb, true WHERE NOT EXISTS (SELECT 1 FROM standard_versions)
       ON CONFLICT (version) DO NOTHING
       RETURNING version`,
      [standard.version, JSON.stringify(standard)],
    );
    return rows.length > 0;
  }

  async versions(): Promise<StandardVersionEntity[]> {
    return this.db.getRepository(StandardVersionEntity).find({ order: { publishedAt: 'DESC' }, take: 100 });
  }

  async find(version?: string | null): Promise<StandardVersionEntity> {
    const repo = this.db.getRepository(StandardVersionEntity);
    const row = version ? await repo.findOne({ where: { version } }) : await repo.findOne({ where: { isCurrent: true } });
    if (!row) throw new HubError('NOT_FOUND', version ? `Standard version ${version} is not known` : 'No standard is published', { reason: 'STANDARD_UNKNOWN' });
    return row;
  }

  /** Index of a version (undefined when the version is not known). */
  async index(version: string): Promise<StandardIndex | undefined> {
    const cached = this.indexes.get(version);
    if (cached) return cached;
    const row = await this.db.getRepository(StandardVersionEntity).findOne({ where: { version } });
    if (!row) return undefined;
    const idx = new StandardIndex(row.document);
    this.indexes.set(version, idx);
    return idx;
  }

  async current(now = Date.now()): Promise<StandardIndex> {
    // (an age below zero is a clock that went back since the read, an NTP step: read again rather than trust it for as long)
    const age = this.currentVersion ? now - this.currentVersion.readAt : -1;
    if (this.currentVersion && age >= 0 && age < CURRENT_VERSION_TTL_MS) {
      const idx = this.indexes.get(this.currentVersion.version);
      if (idx) return idx;
    }
    const rows = await this.db.query<{ version: string }[]>(`SELECT version FROM standard_versions WHERE is_current`);
    if (rows.length === 0) throw new HubError('NOT_FOUND', 'No standard is published', { reason: 'STANDARD_UNKNOWN' });
    const idx = await this.index(rows[0].version);
    if (!idx) throw new HubError('NOT_FOUND', 'No standard is published', { reason: 'STANDARD_UNKNOWN' });
    this.currentVersion = { version: rows[0].version, readAt: now };
    notePublishedStandard(idx);
    return idx;
  }

  /** Forgets the current version read last: the next `current()` reads it again (another replica published one). */
  forgetCurrent(): void {
    this.currentVersion = null;
  }

  /** The Association publishes a new version; it becomes current. */
  async publish(actor: Principal, document: unknown): Promise<StandardVersionEntity> {
    const standard = checkStandardDocument(document);
    const saved = await this.db.transaction(async (tx) => {
      const repo = tx.getRepository(StandardVersionEntity);
      // One publication at a time, so that two cannot both pass the checks below.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paivand.standards.publish'))`);
      if (await repo.exists({ where: { version: standard.version } })) {
        throw new HubError('CONFLICT', `Standard version ${standard.version} exists; versions are immutable`, { reason: 'VERSION_EXISTS' });
      }
      // The new version becomes current, which nodes pull: it must be later than every published one.
      const versions = await repo.find({ select: { version: true } });
      const later = versions.map((v) => v.version).filter((v) => compareVersions(standard.version, v) <= 0);
      if (later.length > 0) {
        throw new HubError('CONFLICT', `Standard version ${standard.version} is not later than ${later.join(', ')}`, { reason: 'VERSION_NOT_LATER' });
      }
      // Nothing members or the hub still use may go: once published, a version cannot be taken back.
      const previous = await repo.findOne({ where: { isCurrent: true } });
      const problems = previous ? incompatibilities(previous.document, standard) : [];
      if (problems.length > 0) {
        throw new HubError('BAD_USER_INPUT', `Standard version ${standard.version} takes away what ${previous?.version} has: ${problems.map((p) => p.field).join(', ')}`, {
          reason: 'STANDARD_INCOMPATIBLE',
          fields: problems,
        });
      }
      await repo.update({ isCurrent: true }, { isCurrent: false });
      const row = await repo.save(repo.create({ version: standard.version, document: standard, isCurrent: true }));
      await this.audit.record(tx, actor, 'standard.publish', 'standard', standard.version, { datasets: standard.datasets.map((d) => d.id) });
      return row;
    });
    // After the commit: forgotten earlier, a concurrent read could cache the old current version again.
    this.currentVersion = null;
    notePublishedStandard(new StandardIndex(standard));
    return saved;
  }
}
