import 'reflect-metadata';
import pino from 'pino';
import { loadHubConfig } from '../config/hub-config';
import { migrateHub } from '../database/data-source';
import { resolveDatabaseUrl } from '@paivand/devdb';

/** `npm run hub:migrate`: applies pending migrations (the app never uses synchronize). */
const log = pino({ name: 'hub-migrate' });

async function main(): Promise<void> {
  const config = loadHubConfig({ JWT_SECRET: 'x'.repeat(32), ...process.env });
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/hub-pg', 'paivand_hub');
  try {
    const applied = await migrateHub(db.url);
    log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'no pending migrations');
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
