import 'reflect-metadata';
import { createHubApp } from './app.factory';
import { ConfigError, loadHubConfig } from './config/hub-config';
import { EmbeddedPostgresError, resolveDatabaseUrl } from '@paivand/devdb';

async function main(): Promise<void> {
  const config = loadHubConfig();
  const db = await resolveDatabaseUrl(config.DATABASE_URL, config.EMBEDDED_PG_DIR ?? '.data/hub-pg', 'paivand_hub');
  const app = await createHubApp(config, db.url);
  app.enableShutdownHooks();
  process.once('SIGTERM', () => void db.stop());
  await app.listen(config.PORT, '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors name the bad variable, the embedded server gives its reason; anything else is printed without request data.
  console.error(err instanceof ConfigError || err instanceof EmbeddedPostgresError ? err.message : err);
  process.exit(1);
});
