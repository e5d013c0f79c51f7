import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { withDatabase } from '../../libs/devdb/src';

/**
 * Per-test-file databases: a template is migrated once per run (and per migration set),
 * then every test file gets its own `CREATE DATABASE x TEMPLATE t` clone.
 */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env.PAIVAND_TEST_PG_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('PAIVAND_TEST_PG_URL is not set: run integration tests through jest (globalSetup)');
  return url;
}

/** Hash of every file under `dir` so a changed migration set gets a fresh template. */
export function hashDirectory(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(entry).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 12);
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: withDatabase(serverUrl(), 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Returns a fresh database cloned from the template `templatePrefix_<version>`, creating
 * and migrating the template first (under an advisory lock, so parallel workers wait).
 */
export async function createTestDatabase(
  templatePrefix: string,
  version: string,
  migrate: (url: string) => Promise<void>,
): Promise<TestDatabase> {
  const template = `tpl_${templatePrefix}_${version}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `t_${templatePrefix}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        const building = `${template}_build`.slice(0, 63);
        await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
        await admin.query(`CREATE DATABASE "${building}"`);
        await migrate(withDatabase(serverUrl(), building));
        await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      }
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
  const url = withDatabase(serverUrl(), name);
  return {
    url,
    name,
    drop: () => withAdmin((admin) => dropDatabase(admin, name)),
  };
}

/**
 * Drops a test database and ends its sessions. On an external server, as a role that is no superuser, FORCE
 * cannot end a session of another role (an autovacuum worker that just started on it: 42501 "must be a
 * member of the role whose process is being terminated"); such a session ends on its own within moments.
 */
async function dropDatabase(admin: Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || attempt === 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
