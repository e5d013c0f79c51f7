import 'reflect-metadata';
import { migrateAndExit } from '@paivand/nest-common';
import { ConfigError, HubConfig, loadHubConfig } from '../config/hub-config';
import { migrateHub } from '../database/data-source';

/** `npm run hub:migrate`: applies pending migrations (the app never uses synchronize). */
let config: HubConfig;
try {
  config = loadHubConfig({ JWT_SECRET: 'x'.repeat(32), ...process.env });
} catch (err) {
  // a bad environment is named (never its values) with the operator tools' exit code for it, not a stack trace
  process.stderr.write(`hub-migrate: ${err instanceof ConfigError ? err.message : 'the configuration could not be read'}\n`);
  process.exit(5);
}
migrateAndExit({ name: 'hub-migrate', databaseUrl: config.DATABASE_URL, embeddedDir: config.EMBEDDED_PG_DIR ?? '.data/hub-pg', embeddedDatabase: 'paivand_hub', migrate: migrateHub });
