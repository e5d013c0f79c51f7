import 'reflect-metadata';
import { createNodeApp } from './app.factory';
import { ConfigError, loadNodeConfig } from './config/node-config';
import { EmbeddedPostgresError, resolveDatabaseUrl } from '@paivand/devdb';

async function main(): Promise<void> {
  const config = loadNodeConfig();
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/node-pg', 'paivand_node');
  const app = await createNodeApp(config, db.url);
  process.once('SIGTERM', () => void db.stop());
  await app.listen(config.PORT, '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors name the bad variable, the embedded server gives its reason; anything else is printed without request data.
  console.error(err instanceof ConfigError || err instanceof EmbeddedPostgresError ? err.message : err instanceof Error ? err.name : 'startup failed');
  process.exit(1);
});
