import { join } from 'node:path';
import { Client } from 'pg';
import { withDatabase } from '@paivand/devdb';
import { CliResult, runInProcess, runScript } from '../../../test/harness/cli';
import { run } from '../src/cli/paivand-hub';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';
import { admitTestMember, servicesCells, sign_, submitAs } from './utils/hub-fixtures';

jest.setTimeout(60_000);

/** One `paivand-hub` command line in-process, `stdin` as its standard input; its exit code and what it wrote. */
const cli = (stdin: string, ...args: string[]): Promise<CliResult> => runInProcess(run, 'paivand-hub', stdin, args);

/** A command of src/cli (`script`) as a child process, from the sources. */
const scriptProcess = (script: string, env: Record<string, string | undefined>, stdin: string, ...args: string[]): Promise<CliResult> =>
  runScript(join(__dirname, '../src/cli', script), env, stdin, args);

/**
 * A new hub's first coordinator, made on the command line (the API admits members and creates
 * every other account, but only for a coordinator): no seed, no demo password.
 */
describe('hub: the paivand-hub command line', () => {
  let hub: HubTestApp;
  const saved = { ...process.env };
  const PASSWORD = 'the coordinator chose this one';

  beforeAll(async () => {
    hub = await startHubTestApp();
    Object.assign(process.env, { DATABASE_URL: hub.db.url, LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    process.env = saved;
    await hub.close();
  });

  const accounts = async (): Promise<number> => (await hub.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM accounts'))[0].n;

  // first, and as child processes: an app run in this process takes over passport (see below), and this case signs in
  it('verify-submission checks a stored submission again from the rows, preparedAt as it was signed; a changed cell does not verify', async () => {
    const member = await admitTestMember(hub);
    const body = sign_(member, { cells: servicesCells((t, o) => 5 + ((t.length * 7 + o.length) % 20)), period: '2025-07', preparedAt: '2025-08-02T13:00:00.123456+05:00' });
    const stored = await submitAs(hub, member, body, false);
    expect(stored.status).toBe('SUCCESS');
    const ok = await scriptProcess('paivand-hub.ts', {}, '', '--json', 'verify-submission', stored.submissionId);
    expect({ code: ok.code, result: JSON.parse(ok.out) }).toEqual({
      code: 0,
      result: { submissionId: stored.submissionId, memberId: member.memberId, keyId: member.keyId, keyActive: true, contentHashHolds: true, signatureHolds: true, valid: true },
    });
    await hub.dataSource.query('UPDATE submission_cells SET value = value + 1 WHERE submission_id = $1 AND idx = 0', [stored.submissionId]);
    const changed = await scriptProcess('paivand-hub.ts', {}, '', '--json', 'verify-submission', stored.submissionId);
    expect({ code: changed.code, result: JSON.parse(changed.out) }).toMatchObject({ code: 3, result: { contentHashHolds: false, signatureHolds: false, valid: false } });
    expect((await scriptProcess('paivand-hub.ts', {}, '', 'verify-submission', '00000000-0000-4000-8000-000000000000')).code).toBe(3);
    expect((await cli('', 'verify-submission', 'not-an-id')).code).toBe(2);
  });

  it('creates the first Association coordinator, who signs in and admits a member; the password never appears', async () => {
    // A process of its own, as an operator runs it (in this one, its app would take over passport, which is
    // process-wide, from the test's hub; the other cases here end before the app starts, or need no sign-in).
    // as under Compose (LOG_LEVEL info): whatever the app logs goes to standard error, standard output is the result alone
    const r = await scriptProcess('paivand-hub.ts', { LOG_LEVEL: 'info' }, `${PASSWORD}\n`, '--json', 'create-admin', 'Coordinator@Association.example.tj', '--name', 'Association coordinator');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ email: 'coordinator@association.example.tj', role: 'association_admin' });
    expect(r.out + r.err).not.toContain(PASSWORD);

    const login = await hub.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email: 'coordinator@association.example.tj', password: PASSWORD } });
    const token = login.data?.login?.accessToken as string;
    expect(token).toBeTruthy();
    const applied = await hub.gql(
      'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id } }',
      { i: { name: 'Synthetic Crisis Centre', centreType: 'crisis_centre', region: 'TJ-DU', contactEmail: 'centre@example.test' } },
    );
    const memberId = applied.data?.applyForMembership?.id as string;
    expect(memberId).toBeTruthy();
    const { generateKeyPairSync } = await import('node:crypto');
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const admitted = await hub.gql('mutation($i: AdmitMemberInput!) { admitMember(input: $i) { member { status } credentials { clientId } } }', { i: { memberId, publicKey } }, token);
    expect(admitted.errors).toBeUndefined();
    expect(admitted.data?.admitMember.member.status).toBe('admitted');

    // the audit log holds the creation, with no signed-in actor
    const audit = await hub.dataSource.query<{ actor_id: string | null }[]>(`SELECT actor_id FROM audit_log WHERE action = 'account.create' AND object_id = $1`, [JSON.parse(r.out).id]);
    expect(audit).toEqual([{ actor_id: null }]);
  });

  it('refuses a short password (2) and an email that has an account (3), writing nothing', async () => {
    const before = await accounts();
    const short = await cli('short\n', 'create-admin', 'second@association.example.tj', '--name', 'Second');
    expect(short).toMatchObject({ code: 2, out: '' });
    expect(short.err).toContain('at least 12 characters');
    expect(short.err).not.toContain('short\n');
    const bad = await cli(`${PASSWORD}\n`, 'create-admin', 'not an email', '--name', 'X');
    expect(bad.code).toBe(2);
    const taken = await cli(`${PASSWORD}\n`, 'create-admin', 'coordinator@association.example.tj', '--name', 'Again');
    expect(taken.code).toBe(3);
    expect(taken.err).toContain('EMAIL_TAKEN');
    expect((await cli('', 'create-admin', 'x@association.example.tj')).code).toBe(2); // --name missing
    expect(await accounts()).toBe(before);
  });

  it('hub:seed refuses to run in production (demo accounts with a published password), writing nothing', async () => {
    const before = await accounts();
    const seed = await scriptProcess('seed.ts', { NODE_ENV: 'production', HUB_SEED_OUT: '/nonexistent/seed.json' }, '');
    expect(seed.code).toBe(2);
    expect(seed.err).toContain('create-admin');
    expect(await accounts()).toBe(before);
  });

  it('tells a database without hub tables and, in production, a missing DATABASE_URL (5) from one that does not answer (6)', async () => {
    const admin = new Client({ connectionString: hub.db.url });
    await admin.connect();
    const empty = `hub_cli_empty_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${empty}`);
    try {
      process.env.DATABASE_URL = withDatabase(hub.db.url, empty);
      const unmigrated = await cli(`${PASSWORD}\n`, 'create-admin', 'x@association.example.tj', '--name', 'X');
      expect(unmigrated.code).toBe(5);
      expect(unmigrated.err).toContain('hub:migrate');
      // in production, no DATABASE_URL is a configuration error, not an embedded Postgres of the command's own
      delete process.env.DATABASE_URL;
      process.env.NODE_ENV = 'production';
      const unset = await cli(`${PASSWORD}\n`, 'create-admin', 'x@association.example.tj', '--name', 'X');
      process.env.NODE_ENV = saved.NODE_ENV;
      expect(unset.code).toBe(5);
      expect(unset.err).toContain('DATABASE_URL is not set');
      process.env.DATABASE_URL = 'postgres://nobody:nothing@127.0.0.1:1/paivand_hub';
      const down = await cli(`${PASSWORD}\n`, 'create-admin', 'x@association.example.tj', '--name', 'X');
      expect(down.code).toBe(6);
      expect(down.err).toContain('ECONNREFUSED');
      expect(down.err).not.toContain('nothing');
    } finally {
      process.env.DATABASE_URL = hub.db.url;
      await admin.query(`DROP DATABASE ${empty} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('the migrate command names a bad environment with exit 5, not a stack trace (both apps)', async () => {
    for (const [script, name] of [
      ['migrate.ts', 'hub-migrate'],
      ['../../../member-node/src/cli/migrate.ts', 'node-migrate'],
    ]) {
      const r = await scriptProcess(script, { DATABASE_URL: 'mysql://not-postgres' }, '');
      expect(r.code).toBe(5);
      expect(r.err).toContain(`${name}: Invalid`);
      expect(r.err).toContain('DATABASE_URL must be a postgres:// URL');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
