import { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { iterateRegister } from '@paivand/synthetic';
import { freePort } from '@paivand/devdb';
import { AccountsService } from '../../apps/hub-api/src/accounts/accounts.service';
import { createHubApp } from '../../apps/hub-api/src/app.factory';
import { loadHubConfig } from '../../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../../apps/hub-api/src/database/data-source';
import { MembersService } from '../../apps/hub-api/src/members/members.service';
import { SeedResult, seedHub } from '../../apps/hub-api/src/seed/seed-hub';
import { StandardsService } from '../../apps/hub-api/src/standards/standards.service';
import { KeyRing } from '../../apps/member-node/src/crypto/key-ring';
import { fillSyntheticRegister, FillResult } from '../../apps/member-node/src/releases/synthetic-register';
import { createTestDatabase, hashDirectory, TestDatabase } from '../harness/database';

export const HUB_JWT_SECRET = 'federation-hub-secret-federation-hub-secret-01';

/** A real hub on a real port, that can be stopped and started again on the same port and database. */
export class RunningHub {
  app: NestExpressApplication | null = null;
  private constructor(
    readonly db: TestDatabase,
    readonly port: number,
  ) {}

  static async create(): Promise<{ hub: RunningHub; seed: SeedResult }> {
    const migrations = join(__dirname, '../../apps/hub-api/src/database/migrations');
    const db = await createTestDatabase('hub', hashDirectory(migrations), async (url) => void (await migrateHub(url)));
    const hub = new RunningHub(db, await freePort());
    await hub.start();
    const app = hub.app as NestExpressApplication;
    const seed = await seedHub({ db: app.get(DataSource), members: app.get(MembersService), accounts: app.get(AccountsService), standards: app.get(StandardsService) });
    return { hub, seed };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const config = loadHubConfig({ JWT_SECRET: HUB_JWT_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: this.db.url, RATE_LIMIT_PER_MINUTE: '100000' });
    this.app = await createHubApp(config, this.db.url);
    await this.app.listen(this.port, '127.0.0.1');
  }

  /** Closes the hub: its port refuses connections until `start()`. */
  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }

  get dataSource(): DataSource {
    if (!this.app) throw new Error('hub is stopped');
    return this.app.get(DataSource);
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.db.drop();
  }
}

/** Synthetic cases for a node, reported between `from` and `to`, written through the node's key ring. */
export function fillNode(ds: DataSource, keys: string, centreId: string, prefix: string, from: string, to: string, incidents: number, seed: string): Promise<FillResult> {
  const region = ['TJ-SU', 'TJ-DU', 'TJ-KT', 'TJ-RA'][prefix.length % 4];
  return fillSyntheticRegister(ds, new KeyRing(keys), centreId, iterateRegister({ seed, centre: { id: prefix, centreType: 'crisis_centre', region }, from, to, incidents }));
}
