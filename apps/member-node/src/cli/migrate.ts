import 'reflect-metadata';
import pino from 'pino';
import { loadNodeConfig } from '../config/node-config';
import { migrateNode } from '../database/data-source';
import { resolveDatabaseUrl } from '@paivand/devdb';

/** `npm run node:migrate`: applies pending migrations (the app never uses synchronize). */
const log = pino({ name: 'node-migrate' });

async function main(): Promise<void> {
  const config = loadNodeConfig({ JWT_SECRET: 'x'.repeat(32), CENTRE_ID: 'migrate', NODE_ENCRYPTION_KEYS: `m:${'A'.repeat(43)}=`, ...process.env });
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/node-pg', 'paivand_node');
  try {
    const applied = await migrateNode(db.url);
    log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'no pending migrations');
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
