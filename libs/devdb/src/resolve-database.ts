import { ensureDatabase, withDatabase } from './database-url';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * An app's database: DATABASE_URL when set, otherwise an embedded Postgres in `dataDir`
 * (development and the demo; a real deployment sets DATABASE_URL).
 */
export async function resolveDatabaseUrl(
  databaseUrl: string | undefined,
  dataDir: string,
  database: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => undefined };
  const pg = await startEmbeddedPostgres({ dataDir, persistent: true });
  const url = withDatabase(pg.url, database);
  await ensureDatabase(url);
  return { url, stop: () => pg.stop() };
}
