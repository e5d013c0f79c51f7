import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { STANDARD, Standard, StandardIndex } from '@paivand/schema';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { StandardVersionEntity } from './standard-version.entity';
import { checkStandardDocument } from './standard-document';

/** Versions of the standard, stored as documents; indexes are cached (a published version never changes). */
@Injectable()
export class StandardsService implements OnApplicationBootstrap {
  private readonly indexes = new Map<string, StandardIndex>();
  private currentVersion: string | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Tests and the drift check boot the app before migrating nothing: only seed when the table exists.
    const exists = (await this.db.query<{ ok: boolean }[]>(`SELECT to_regclass('standard_versions') IS NOT NULL AS ok`));
    if (exists[0]?.ok) await this.db.transaction((tx) => this.seed(tx));
  }

  /** Stores the standard this code implements when no version is stored yet (idempotent). */
  async seed(tx: EntityManager, standard: Standard = STANDARD): Promise<void> {
    await tx.query(
      `INSERT INTO standard_versions (version, document, is_current)
       SELECT $1, $2::jsonb, NOT EXISTS (SELECT 1 FROM standard_versions WHERE is_current)
       ON CONFLICT (version) DO NOTHING`,
      [standard.version, JSON.stringify(standard)],
    );
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

  async current(): Promise<StandardIndex> {
    if (this.currentVersion) {
      const idx = this.indexes.get(this.currentVersion);
      if (idx) return idx;
    }
    const row = await this.find(null);
    this.currentVersion = row.version;
    const idx = new StandardIndex(row.document);
    this.indexes.set(row.version, idx);
    return idx;
  }

  /** The Association publishes a new version; it becomes current. */
  async publish(actor: Principal, document: unknown): Promise<StandardVersionEntity> {
    const standard = checkStandardDocument(document);
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(StandardVersionEntity);
      if (await repo.exists({ where: { version: standard.version } })) {
        throw new HubError('CONFLICT', `Standard version ${standard.version} exists; versions are immutable`, { reason: 'VERSION_EXISTS' });
      }
      await repo.update({ isCurrent: true }, { isCurrent: false });
      const saved = await repo.save(repo.create({ version: standard.version, document: standard, isCurrent: true }));
      await this.audit.record(tx, actor, 'standard.publish', 'standard', standard.version, { datasets: standard.datasets.map((d) => d.id) });
      this.currentVersion = null;
      return saved;
    });
  }
}
