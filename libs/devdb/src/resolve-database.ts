import { ensureDatabase, withDatabase } from './database-url';
import { EmbeddedPostgresError, startEmbeddedPostgres } from './embedded-postgres';

/**
 * An app's database: DATABASE_URL when set, otherwise an embedded Postgres in `dataDir`
 * (development and the demo; a real deployment sets DATABASE_URL). With NODE_ENV=production
 * there is no fallback: an operator command run in a container without the DATABASE_URL its
 * entrypoint builds would otherwise start a Postgres of its own, write there (a coordinator,
 * an approval, a rotation) and report success while the real database never saw it.
 */
export async function resolveDatabaseUrl(
  databaseUrl: string | undefined,
  dataDir: string,
  database: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => undefined };
  if (env.NODE_ENV === 'production') {
    throw new EmbeddedPostgresError(
      'DATABASE_URL is not set, and with NODE_ENV=production there is no embedded Postgres to fall back to (it is for development and the demo). ' +
        'Under Compose, run the command inside `sh -c` with the DATABASE_URL its entrypoint builds (README, Deployment)',
    );
  }
  const pg = await startEmbeddedPostgres({ dataDir, persistent: true });
  const url = withDatabase(pg.url, database);
  await ensureDatabase(url);
  return { url, stop: () => pg.stop() };
}
