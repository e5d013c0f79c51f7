import pino from 'pino';
import { resolveDatabaseUrl } from '@paivand/devdb';

export interface MigrateCliOptions {
  /** Logger name, e.g. `hub-migrate`. */
  readonly name: string;
  /** DATABASE_URL from the app's config; unset means the embedded Postgres below. */
  readonly databaseUrl: string | undefined;
  readonly embeddedDir: string;
  readonly embeddedDatabase: string;
  /** Applies pending migrations; returns their names. */
  readonly migrate: (url: string) => Promise<string[]>;
}

/** The body of `npm run hub:migrate` / `node:migrate`: applies pending migrations (the apps never use synchronize). */
export async function runMigrateCli(o: MigrateCliOptions): Promise<void> {
  const log = pino({ name: o.name });
  try {
    const db = await resolveDatabaseUrl(o.databaseUrl, o.embeddedDir, o.embeddedDatabase);
    try {
      const applied = await o.migrate(db.url);
      log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'no pending migrations');
    } finally {
      await db.stop();
    }
  } catch (err) {
    log.error({ err }, 'migration failed');
    process.exitCode = 1;
  }
}
