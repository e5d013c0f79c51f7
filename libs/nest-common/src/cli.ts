import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EmbeddedPostgresError, resolveDatabaseUrl } from '@paivand/devdb';

/**
 * What the operators' command lines of the hub and the node share: exit codes scripts can
 * trust, a password read from stdin (never an argument), and a database failure told by its
 * SQLSTATE (a driver's message can quote values; the SQLSTATE cannot).
 */
export const CLI_EXIT = { OK: 0, ERROR: 1, USAGE: 2, NOTHING: 3, CONFIG: 5, DATABASE_UNREACHABLE: 6 } as const;

/** A command's end with an exit code and a message for stderr. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

/** Connection failures of a database that does not answer (down, starting, wrong host or port): worth retrying later. */
const DATABASE_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);

/**
 * The exit of a command that failed on its database, or undefined for another failure.
 * `tables`: what a database without the app's tables lacks and how to get them
 * (`register tables: run \`npm run node:migrate\` first`).
 */
export function databaseExit(err: unknown, tables: string): CliExit | undefined {
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState !== 'string') return undefined;
  if (DATABASE_UNREACHABLE.has(sqlState)) {
    return new CliExit(CLI_EXIT.DATABASE_UNREACHABLE, `the database in DATABASE_URL does not answer (${sqlState}): is it running, and are its host and port right?`);
  }
  if (sqlState === '28P01' || sqlState === '28000') return new CliExit(CLI_EXIT.CONFIG, `the database refused the user or password of DATABASE_URL (SQLSTATE ${sqlState})`);
  if (sqlState === '42P01') return new CliExit(CLI_EXIT.CONFIG, `the database has no ${tables}`);
  if (sqlState === '3D000') return new CliExit(CLI_EXIT.CONFIG, 'the database in DATABASE_URL does not exist');
  return undefined;
}

/**
 * The exit of a failure the command did not map itself: a database failure told by its SQLSTATE
 * (databaseExit), else 1, naming only the error's class (a message can quote values).
 */
export function lastResortExit(err: unknown, tables: string): CliExit {
  const db = databaseExit(err, tables);
  if (db) return db;
  const sqlState = (err as { code?: unknown } | null)?.code;
  return new CliExit(CLI_EXIT.ERROR, `failed: ${err instanceof Error ? err.name : 'error'}${typeof sqlState === 'string' ? ` (SQLSTATE ${sqlState})` : ''}`);
}

/** Writes an exit's message on stderr; returns its code. */
export function reportExit(exit: CliExit): number {
  process.stderr.write(`${exit.message}\n`);
  return exit.code;
}

/**
 * A command's database (resolveDatabaseUrl): an embedded Postgres that cannot start is a
 * configuration error (5), in the server's own words (a data directory in use, its permissions).
 */
export async function commandDatabase(databaseUrl: string | undefined, dataDir: string, database: string): Promise<{ url: string; stop: () => Promise<void> }> {
  try {
    return await resolveDatabaseUrl(databaseUrl, dataDir, database);
  } catch (err) {
    if (err instanceof EmbeddedPostgresError) throw new CliExit(CLI_EXIT.CONFIG, err.message);
    throw err;
  }
}

/**
 * A password from `input`: on a terminal typed without echo and ended by Enter; otherwise
 * the whole input, less its final line break (`printf '%s\n' "$PW" | ... create-admin`).
 * Never an argument or a variable, which other users and shell histories can see.
 */
export async function readPassword(input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }, prompt: string): Promise<string> {
  if (input.isTTY && input.setRawMode) {
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    try {
      return await new Promise<string>((resolve, reject) => {
        let typed = '';
        const onData = (chunk: Buffer | string): void => {
          for (const ch of String(chunk)) {
            if (ch === '\r' || ch === '\n') return done(() => resolve(typed));
            if (ch === '\u0003') return done(() => reject(new CliExit(CLI_EXIT.USAGE, 'cancelled')));
            if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
            else typed += ch;
          }
        };
        const done = (settle: () => void): void => {
          input.removeListener('data', onData);
          settle();
        };
        input.on('data', onData);
      });
    } finally {
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    }
  }
  let all = '';
  for await (const chunk of input) all += String(chunk);
  return all.replace(/\r?\n$/, '');
}

/**
 * A reader that stops early (`paivand-node preview <id> | head`) closes the pipe: what is left to
 * print is dropped and the command finishes its work and exits with its own code, instead of
 * dying on an unhandled EPIPE with a stack trace in the middle of it.
 */
export function ignoreClosedOutput(streams: readonly NodeJS.EventEmitter[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    });
  }
}

/** A command's result on stdout: JSON with `--json`, else a line for people. */
export const printResult = (json: boolean, value: unknown, text: () => string): void => void process.stdout.write(`${json ? JSON.stringify(value, null, 2) : text()}\n`);

/**
 * A new account's fields and its password (read from `input`, see readPassword), validated by the
 * API's own input class `type`: what is wrong is a usage error (2) naming the rule, never the value.
 */
export async function accountFromInput<T extends object>(input: Parameters<typeof readPassword>[0], type: ClassConstructor<T>, fields: Record<string, unknown>, who: string): Promise<T> {
  const password = await readPassword(input, `Password for ${who} (at least 12 characters): `);
  const account = plainToInstance(type, { ...fields, password });
  const errors = validateSync(account, { validationError: { target: false, value: false } });
  if (errors.length > 0) throw new CliExit(CLI_EXIT.USAGE, errors.flatMap((e) => Object.values(e.constraints ?? {})).join('\n'));
  return account;
}
