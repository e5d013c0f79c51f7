import 'reflect-metadata';
import { migrateAndExit } from '@paivand/nest-common';
import { ConfigError, loadNodeConfig, NodeConfig } from '../config/node-config';
import { migrateNode } from '../database/data-source';

/** `npm run node:migrate`: applies pending migrations (the app never uses synchronize). */
let config: NodeConfig;
try {
  config = loadNodeConfig({ JWT_SECRET: 'x'.repeat(32), CENTRE_ID: 'migrate', NODE_ENCRYPTION_KEYS: `m:${'A'.repeat(43)}=`, ...process.env });
} catch (err) {
  // a bad environment is named (never its values) with the operator tools' exit code for it, not a stack trace
  process.stderr.write(`node-migrate: ${err instanceof ConfigError ? err.message : 'the configuration could not be read'}\n`);
  process.exit(5);
}
migrateAndExit({ name: 'node-migrate', databaseUrl: config.DATABASE_URL, embeddedDir: config.EMBEDDED_PG_DIR ?? '.data/node-pg', embeddedDatabase: 'paivand_node', migrate: migrateNode });
