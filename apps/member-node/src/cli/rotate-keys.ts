import 'reflect-metadata';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { loadNodeConfig } from '../config/node-config';
import { KeyRing } from '../crypto/key-ring';
import { rotateKeys } from '../crypto/rotate-keys';
import { nodeDataSourceOptions } from '../database/data-source';
import { resolveDatabaseUrl } from '@paivand/devdb';

/**
 * `npm run node:rotate-keys`: put the new key first in NODE_ENCRYPTION_KEYS (keep the old
 * ones after it), run this, then drop the old keys from the ring.
 */
const log = pino({ name: 'node-rotate-keys' });

async function main(): Promise<void> {
  // Rotation needs the key ring and the database only: the centre and the JWT secret are not used.
  const config = loadNodeConfig({ JWT_SECRET: 'x'.repeat(32), CENTRE_ID: 'rotate-keys', ...process.env });
  const ring = new KeyRing(config.NODE_ENCRYPTION_KEYS);
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/node-pg', 'paivand_node');
  const ds = new DataSource(nodeDataSourceOptions(db.url));
  await ds.initialize();
  try {
    const report = await rotateKeys(ds, ring);
    for (const [table, n] of Object.entries(report.rows)) log.info({ table, rows: n, keyId: ring.currentId }, 're-encrypted');
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  // Names only: a key-ring error never carries key material, and no row value is printed.
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : 'rotation failed');
  process.exit(1);
});
