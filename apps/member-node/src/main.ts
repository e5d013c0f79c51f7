import 'reflect-metadata';
import { createNodeApp } from './app.factory';
import { ConfigError, loadNodeConfig } from './config/node-config';
import { EmbeddedPostgresError, resolveDatabaseUrl } from '@paivand/devdb';
import { startupFailure } from '@paivand/nest-common';

async function main(): Promise<void> {
  const config = loadNodeConfig();
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/node-pg', 'paivand_node');
  const app = await createNodeApp(config, db.url);
  process.once('SIGTERM', () => void db.stop());
  await app.listen(config.PORT, '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors name the bad variable, the embedded server gives its reason; anything else is printed without request data.
  // (a failing migration, MIGRATIONS_RUN: its name and SQLSTATE; Postgres's message may quote a value of the register)
  if (err instanceof ConfigError || err instanceof EmbeddedPostgresError) console.error(err.message);
  else console.error(startupFailure(err));
  process.exit(1);
});
