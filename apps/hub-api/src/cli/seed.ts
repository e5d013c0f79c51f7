import 'reflect-metadata';
import pino from 'pino';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { createHubApp } from '../app.factory';
import { loadHubConfig } from '../config/hub-config';
import { migrateHub } from '../database/data-source';
import { resolveDatabaseUrl } from '@paivand/devdb';
import { MembersService } from '../members/members.service';
import { mergeSeedFile, seedHub, SeedResult } from '../seed/seed-hub';
import { StandardsService } from '../standards/standards.service';

/**
 * `npm run hub:seed`: migrates, then seeds the founding members and demo accounts.
 * Node credentials and signing keys are shown once, written to HUB_SEED_OUT
 * (default .data/hub-seed.json) for the demo's member nodes.
 */
const log = pino({ name: 'hub-seed' });

async function main(): Promise<void> {
  // Demo accounts with a published password, and node signing keys made at the hub: never on a real hub.
  if (process.env.NODE_ENV === 'production') {
    console.error('hub:seed is for development and the demo (demo accounts with a published password): a real hub starts with `paivand-hub create-admin` (README, Deployment)');
    process.exit(2);
  }
  const config = loadHubConfig({ JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'warn', ...process.env });
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/hub-pg', 'paivand_hub');
  try {
    await migrateHub(db.url);
    const app = await createHubApp(config, db.url);
    try {
      const r = await seedHub({ db: app.get(DataSource), members: app.get(MembersService), accounts: app.get(AccountsService), standards: app.get(StandardsService) });
      const out = process.env.HUB_SEED_OUT ?? '.data/hub-seed.json';
      // A second seed creates nothing and learns no secret (the hub keeps only hashes): what an
      // earlier seed wrote is kept, and what this one created is added to it.
      const merged = mergeSeedFile(existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as SeedResult) : undefined, r);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(merged, null, 2), { mode: 0o600 });
      log.info({ members: r.members.length, accounts: r.accounts.length, credentialsFile: out }, r.members.length + r.accounts.length > 0 ? 'seeded' : 'already seeded; credentials file kept');
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
