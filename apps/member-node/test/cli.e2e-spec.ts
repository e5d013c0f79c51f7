import { join } from 'node:path';
import { withDatabase } from '@paivand/devdb';
import { Standard, STANDARD } from '@paivand/schema';
import { iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { NodeSigningKey } from '../src/federation/signing-key';
import { ReleaseScheduler } from '../src/releases/release.scheduler';
import { ReleasesService } from '../src/releases/releases.service';
import { fillSyntheticRegister } from '../src/releases/synthetic-register';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { CliResult, runScript } from '../../../test/harness/cli';
import { runCli as cli, runCliWithInput } from './utils/cli';
import { newKey, NodeTestApp, startNodeTestApp, TEST_CENTRE, TEST_JWT_SECRET } from './utils/node-test-app';

jest.setTimeout(120_000);

/**
 * The operators' command line, run in-process against a real node database: what it prints
 * on stdout and stderr, and the exit codes scripts rely on (0 ok, 2 usage or unknown
 * release, 3 nothing to do, 4 hub unreachable).
 */
describe('member node: the paivand-node command line', () => {
  let node: NodeTestApp;
  const keys = `k1:${newKey()}`;
  const identifiers: string[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    const signing = NodeSigningKey.generate().privateKeyPem;
    node = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: keys, NODE_SIGNING_KEY: signing, FEDERATION_JOBS: 'false' });
    const fill = await fillSyntheticRegister(
      node.dataSource,
      new KeyRing(keys),
      TEST_CENTRE,
      iterateRegister({ seed: 'cli-e2e', centre: { id: 'CLI', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-01-31', incidents: 300 }),
    );
    identifiers.push(...fill.identifiers);
    expect(identifiers.length).toBeGreaterThan(100);
    // The CLI reads the node's environment, as an operator's shell would give it; the hub is a closed port.
    Object.assign(process.env, {
      DATABASE_URL: node.db.url,
      CENTRE_ID: TEST_CENTRE,
      JWT_SECRET: TEST_JWT_SECRET,
      NODE_ENCRYPTION_KEYS: keys,
      NODE_SIGNING_KEY: signing,
      HUB_URL: 'http://127.0.0.1:9',
      HUB_CLIENT_ID: 'cli-e2e',
      HUB_CLIENT_SECRET: 'cli-e2e-secret-cli-e2e-secret',
      MEMBER_ID: 'cli-e2e',
      LOG_LEVEL: 'silent',
      // a failed push waits at least a tenth of the base delay: 60 s, longer than the next command takes to start
      OUTBOX_BACKOFF_BASE_MS: '600000',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await node.close();
  });

  it('prepares, previews, approves and lists releases with exit codes scripts can trust; nothing identifiable is printed', async () => {
    const prepared = await cli('prepare', '--period', '2026-01');
    expect(prepared.code).toBe(0);
    expect(prepared.out).toMatch(/^2026-01 prepared$/m);
    const incidents = /^ {2}(\S+) incidents_monthly rev 1 prepared$/m.exec(prepared.out)?.[1] as string;
    expect(incidents).toMatch(/^[0-9a-f-]{36}$/);
    const services = /^ {2}(\S+) services_monthly rev 1 prepared$/m.exec(prepared.out)?.[1] as string;
    expect(services).toMatch(/^[0-9a-f-]{36}$/);
    // progress of the suppression on stderr, ending with the passing audit of each system
    expect(prepared.err).toMatch(/^2026-01 incident: audit passed, [\d,]+ of 1,764 cells hidden$/m);
    expect(prepared.err).toMatch(/^2026-01 service: audit passed/m);

    const again = await cli('prepare', '--period', '2026-01');
    expect(again).toMatchObject({ code: 3, err: expect.stringContaining('nothing to prepare') });

    const preview = await cli('preview', incidents);
    expect(preview.code).toBe(0);
    expect(preview.out).toMatch(new RegExp(`^incidents_monthly 2026-01 rev 1 \\[prepared\\] hash [0-9a-f]{64}\\nk=5 published \\d+/1764, primary \\d+, secondary \\d+, audit passed\\n`));
    const json = JSON.parse((await cli('--json', 'preview', incidents)).out) as { cells: unknown[] };
    expect(json.cells).toHaveLength(1764);
    // the payload bytes are the release's, as stored and as they will be signed and pushed
    const payload = await cli('preview', '--payload', incidents);
    const [{ stored }]: { stored: string }[] = await node.dataSource.query('SELECT payload AS stored FROM releases WHERE id = $1', [incidents]);
    expect(payload.out).toBe(`${stored}\n`);

    const approved = await cli('approve', incidents);
    expect(approved.code).toBe(0);
    expect(approved.out).toMatch(new RegExp(`^${incidents} incidents_monthly 2026-01 rev 1: approved$`, 'm'));
    expect((await cli('ledger')).out).toMatch(/^incidents_monthly 2026-01 rev 1 approved published \d+ suppressed \d+ [0-9a-f]{12}$/m);
    expect((await cli('outbox')).out).toMatch(new RegExp(`^${incidents} incidents_monthly 2026-01 rev 1: pending \\(0 attempts\\)`, 'm'));

    // held, a release stays in the centre: no outbox row, until the manager approves it after all
    const held = await cli('hold', services, '--reason', 'numbers to check with the shelter');
    expect(held.code).toBe(0);
    expect(held.out).toMatch(new RegExp(`^${services} services_monthly 2026-01 rev 1: held$`, 'm'));
    expect((await cli('outbox')).out).not.toContain(services);
    expect((await cli('ledger')).out).not.toContain('services_monthly');

    // the hub is not there: 4, and the row waits in the outbox
    const push = await cli('push');
    expect(push).toMatchObject({ code: 4 });
    // its next attempt waits for the backoff (at least a tenth of the base delay), so an immediate push has nothing due
    const [{ waits }]: { waits: boolean }[] = await node.dataSource.query(`SELECT next_attempt_at > now() AS waits FROM release_outbox WHERE release_id = $1`, [incidents]);
    expect(waits).toBe(true);
    expect(await cli('push')).toMatchObject({ code: 3, err: expect.stringContaining('nothing was due') });
    expect((await cli('outbox')).out).toMatch(new RegExp(`^${incidents} incidents_monthly 2026-01 rev 1: pending \\(1 attempt\\)`, 'm'));

    const later = await cli('approve', services);
    expect(later.out).toMatch(new RegExp(`^${services} services_monthly 2026-01 rev 1: approved$`, 'm'));
    expect((await cli('outbox')).out).toContain(services);
    // a page size out of range is a usage error, not clamped
    expect((await cli('outbox', '--first', '1')).out.trim().split('\n')).toHaveLength(1);
    for (const bad of ['0', '501', 'ten', '2.5']) expect(await cli('outbox', '--first', bad)).toMatchObject({ code: 2, err: expect.stringContaining('--first') });

    for (const r of [prepared, preview, payload, approved, held, push]) {
      for (const v of identifiers) {
        expect(r.out).not.toContain(v);
        expect(r.err).not.toContain(v);
      }
    }
  });

  it('leaves a period alone while another process prepares it (Postgres advisory lock): busy, exit 3, nothing written', async () => {
    const other = node.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', ['paivand:release:2026-01']);
      const before: { n: number }[] = await node.dataSource.query('SELECT count(*)::int AS n FROM releases');
      const busy = await cli('prepare', '--period', '2026-01');
      expect(busy.code).toBe(3);
      expect(busy.out).toMatch(/^2026-01 busy$/m);
      expect(await node.dataSource.query('SELECT count(*)::int AS n FROM releases')).toEqual(before);
    } finally {
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', ['paivand:release:2026-01']);
      await other.release();
    }
    // the lock is the period's: once it is free, the period is simply up to date
    expect((await cli('prepare', '--period', '2026-01')).out).toMatch(/^2026-01 nothing$/m);
  });

  it('prepare without a period exits 1 when a period failed on an error of the node, 6 when its database stopped answering (not 3, nothing to do)', async () => {
    const failing = (err: Error): jest.SpyInstance => jest.spyOn(ReleasesService.prototype, 'prepare').mockRejectedValue(err);
    let spy = failing(new TypeError('a bug'));
    try {
      const internal = await cli('prepare');
      expect(internal).toMatchObject({ code: 1, err: expect.stringContaining('failed (INTERNAL)') });
    } finally {
      spy.mockRestore();
    }
    spy = failing(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    try {
      expect(await cli('prepare')).toMatchObject({ code: 6, err: expect.stringContaining('failed (DATABASE_UNREACHABLE)') });
    } finally {
      spy.mockRestore();
    }
  });

  it('knows which periods are due: each closed month from the first with data, and a quarter after its last month', async () => {
    const due = (iso: string): Promise<string[]> => node.app.get(ReleaseScheduler).duePeriods(new Date(iso));
    expect(await due('2026-01-31T23:59:59Z')).toEqual([]);
    expect(await due('2026-02-01T00:00:00Z')).toEqual(['2026-01']);
    expect(await due('2026-03-15T12:00:00Z')).toEqual(['2026-01', '2026-02']);
    expect(await due('2026-04-01T00:00:00Z')).toEqual(['2026-01', '2026-02', '2026-03', '2026-Q1']);
  });

  it('keeps working on the newest standard it has pulled when the hub is unreachable, across a restart', async () => {
    const next: Standard = { ...STANDARD, version: '2026.9' };
    await node.app.get(StandardSyncService).store(next);
    // the command line is a new process on the same database: it knows 2026.9 without the hub
    const sync = await cli('sync-standard');
    expect(sync.code).toBe(4);
    expect(sync.out).toMatch(/^standard 2026\.9: unreachable$/m);
  });

  it('the scheduled job prepares a closed period on its own', async () => {
    await fillSyntheticRegister(
      node.dataSource,
      new KeyRing(keys),
      TEST_CENTRE,
      iterateRegister({ seed: 'cli-e2e-feb', centre: { id: 'CLF', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2026-02-01', to: '2026-02-28', incidents: 60 }),
    );
    // a second node process on the same database, with the jobs on and a short interval (no hub: nothing is pushed)
    const jobs = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: keys, FEDERATION_JOBS: 'true', RELEASE_CHECK_INTERVAL_MS: '1000' }, node.db);
    try {
      const prepared = async (): Promise<string[]> =>
        (await node.dataSource.query<{ dataset_id: string }[]>(`SELECT dataset_id FROM releases WHERE period = '2026-02' AND status = 'prepared' ORDER BY dataset_id`)).map((r) => r.dataset_id);
      const deadline = Date.now() + 60_000;
      while ((await prepared()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await prepared()).toEqual(['incidents_monthly', 'services_monthly']);
    } finally {
      await jobs.close();
    }
  });

  it('answers bad input with 2 (an unknown release, an invalid period, an unknown command) and a broken environment with 5', async () => {
    expect(await cli('preview', '00000000-0000-4000-8000-000000000000')).toMatchObject({ code: 2, err: expect.stringContaining('NOT_FOUND') });
    expect(await cli('prepare', '--period', '2026-13')).toMatchObject({ code: 2, err: expect.stringContaining('PERIOD_INVALID') });
    expect((await cli('frobnicate')).code).toBe(2);
    // a broken environment: 5, naming the variable and never echoing its value
    const keysBefore = process.env.NODE_ENCRYPTION_KEYS;
    process.env.NODE_ENCRYPTION_KEYS = 'k1:not-a-key-at-all';
    try {
      const broken = await cli('ledger');
      expect(broken.code).toBe(5);
      expect(broken.err).toContain('NODE_ENCRYPTION_KEYS');
      expect(broken.err).not.toContain('not-a-key-at-all');
    } finally {
      process.env.NODE_ENCRYPTION_KEYS = keysBefore;
    }
    // a release id that is no UUID: a usage error, before any query
    for (const command of ['preview', 'approve', 'hold', 'retry']) expect(await cli(command, 'not-a-release')).toMatchObject({ code: 2, err: expect.stringContaining('not a release id') });
  });

  it("creates a new node's first centre admin, who can then sign in; the password comes from stdin and is printed nowhere", async () => {
    const password = 'a long admin passphrase 7';
    const created = await runCliWithInput(`${password}\n`, '--json', 'create-admin', 'first.admin', '--name', 'First Admin');
    expect(created.code).toBe(0);
    const account = JSON.parse(created.out) as { id: string; username: string; role: string };
    expect(account).toMatchObject({ username: 'first.admin', role: 'centre_admin' });
    const login = await node.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: 'first.admin', password } });
    const token = login.data?.login.accessToken as string;
    // a centre admin's own business: creating staff
    const staff = await node.gql(
      'mutation($i: CreateStaffInput!) { createStaffAccount(input: $i) { role } }',
      { i: { username: 'new.caseworker', displayName: 'New Caseworker', password: 'another passphrase 8', role: 'caseworker' } },
      token,
    );
    expect(staff.data?.createStaffAccount).toEqual({ role: 'caseworker' });
    expect(await node.dataSource.query(`SELECT action, actor_id FROM access_log WHERE object_id = $1`, [account.id])).toEqual([{ action: 'staff.create', actor_id: null }]);
    // a taken username: 3; a short password or a bad username: 2, and nothing written
    expect(await runCliWithInput(`${password}\n`, 'create-admin', 'first.admin', '--name', 'Again')).toMatchObject({ code: 3, err: expect.stringContaining('USERNAME_TAKEN') });
    expect(await runCliWithInput('short\n', 'create-admin', 'second.admin', '--name', 'Second')).toMatchObject({ code: 2, err: expect.stringContaining('at least 12 characters') });
    expect(await runCliWithInput(`${password}\n`, 'create-admin', 'No Spaces', '--name', 'Third')).toMatchObject({ code: 2, err: expect.stringContaining('username must be') });
    expect((await cli('create-admin', 'fourth.admin')).code).toBe(2); // --name is required
    expect(await node.dataSource.query(`SELECT username FROM staff_accounts WHERE role = 'centre_admin' ORDER BY username`)).toEqual([{ username: 'first.admin' }]);
    for (const r of [created]) expect(r.out + r.err).not.toContain(password);
  });

  it('as a process of its own: what the node logs goes to standard error, so --json output parses; sync-standard tells an unreachable hub (4) from none (5)', async () => {
    const spawnCli = (env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> => runScript(join(__dirname, '../src/cli/paivand-node.ts'), env, '', args);
    // the hub is a closed port: standard output is the JSON answer alone, the reason on standard error
    const unreachable = await spawnCli({ LOG_LEVEL: 'warn' }, '--json', 'sync-standard');
    expect(unreachable.code).toBe(4);
    expect(JSON.parse(unreachable.out)).toMatchObject({ status: 'unreachable' });
    expect(unreachable.err).toContain('the hub is unreachable');
    const none = await spawnCli({ HUB_URL: undefined, LOG_LEVEL: 'warn' }, 'sync-standard');
    expect(none.code).toBe(5);
    expect(none.err).toContain('HUB_URL, HUB_CLIENT_ID and HUB_CLIENT_SECRET are not configured');
  });

  it('names what is missing from the environment with 5: the hub, the signing key, a key file, a key that is no key', async () => {
    const withEnv = async (env: Record<string, string | undefined>, ...args: string[]): Promise<Awaited<ReturnType<typeof cli>>> => {
      const before = { ...process.env };
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      try {
        return await cli(...args);
      } finally {
        process.env = before;
      }
    };
    expect(await withEnv({ HUB_URL: undefined }, 'push')).toMatchObject({ code: 5, err: expect.stringContaining('HUB_URL, HUB_CLIENT_ID and HUB_CLIENT_SECRET are not configured') });
    const [{ id }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM releases WHERE status = 'prepared' LIMIT 1`);
    expect(await withEnv({ NODE_SIGNING_KEY: undefined }, 'approve', id)).toMatchObject({ code: 5, err: expect.stringContaining('SIGNING_KEY_MISSING') });
    expect(await withEnv({ NODE_SIGNING_KEY: undefined, NODE_SIGNING_KEY_FILE: '/nonexistent/paivand-key.pem' }, 'ledger')).toMatchObject({
      code: 5,
      err: expect.stringContaining('NODE_SIGNING_KEY_FILE: cannot read /nonexistent/paivand-key.pem (ENOENT)'),
    });
    const garbage = await withEnv({ NODE_SIGNING_KEY: 'c2VjcmV0LWJ1dC1ub3QtYS1rZXk=' }, '--json', 'ledger');
    expect(garbage).toMatchObject({ code: 5, out: '', err: expect.stringContaining('NODE_SIGNING_KEY: not an Ed25519 private key') });
    expect(garbage.err).not.toContain('c2VjcmV0LWJ1dC1ub3QtYS1rZXk=');
    // the release is still prepared: nothing was signed
    expect(await node.dataSource.query('SELECT status FROM releases WHERE id = $1', [id])).toEqual([{ status: 'prepared' }]);
    // a database that was never migrated, and one that does not exist
    const empty = `cli_unmigrated_${Date.now()}`;
    await node.dataSource.query(`CREATE DATABASE ${empty}`);
    try {
      expect(await withEnv({ DATABASE_URL: withDatabase(node.db.url, empty) }, 'ledger')).toMatchObject({ code: 5, err: expect.stringContaining('run the migrations first (`npm run node:migrate`') });
      expect(await withEnv({ DATABASE_URL: withDatabase(node.db.url, `${empty}_absent`) }, 'outbox')).toMatchObject({ code: 5, err: expect.stringContaining('does not exist') });
    } finally {
      await node.dataSource.query(`DROP DATABASE ${empty} WITH (FORCE)`);
    }
  });

  it('never signs a release for a member id the node no longer has: approve says stale, prepare makes it again for the new one', async () => {
    // The scheduled job above prepared 2026-02 as the default member (CENTRE_ID); the operator has since set MEMBER_ID.
    const pending = async (): Promise<{ id: string; member: string }[]> =>
      node.dataSource.query(`SELECT id, payload::json->>'memberId' AS member FROM releases WHERE period = '2026-02' AND status = 'prepared' ORDER BY dataset_id`);
    const before = await pending();
    expect(before.map((r) => r.member)).toEqual([TEST_CENTRE, TEST_CENTRE]);
    const refused = await cli('approve', before[0].id);
    expect(refused).toMatchObject({ code: 3, out: expect.stringContaining(': stale (MEMBER_CHANGED)') });
    expect(await node.dataSource.query(`SELECT count(*)::int AS n FROM release_outbox o JOIN releases r ON r.id = o.release_id WHERE r.period = '2026-02'`)).toEqual([{ n: 0 }]);
    // the figures have not changed, but the member has: prepare makes both tables again
    expect((await cli('prepare', '--period', '2026-02')).code).toBe(0);
    const after = await pending();
    expect(after.map((r) => r.member)).toEqual(['cli-e2e', 'cli-e2e']);
    expect((await cli('approve', after[0].id)).out).toMatch(/: approved$/m);
    expect((await cli('prepare', '--period', '2026-02')).out).toMatch(/^2026-02 nothing$/m);
  });
  it("keeps a manager's hold when late entries make the table again (auto-approval too), and a decision on several releases reports each", async () => {
    const ring = new KeyRing(keys);
    // client codes come from the synthetic centre's id: another id for each fill, so they do not collide
    const march = (id: string, incidents: number) =>
      fillSyntheticRegister(node.dataSource, ring, TEST_CENTRE, iterateRegister({ seed: `cli-${id}`, centre: { id, centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2026-03-01', to: '2026-03-31', incidents }));
    identifiers.push(...(await march('CLM', 200)).identifiers);
    const prepared = await cli('prepare', '--period', '2026-03');
    const ids = [...prepared.out.matchAll(/^ {2}(\S+) (\S+) rev 1 prepared$/gm)].map((m) => ({ id: m[1], dataset: m[2] }));
    expect(ids.map((r) => r.dataset).sort()).toEqual(['incidents_monthly', 'services_monthly']);
    const [first, second] = ids;
    // a hold of two releases, one of which does not exist: the first is held and reported so, the other named, exit 2
    const unknown = '00000000-0000-4000-8000-000000000000';
    const mixed = await cli('hold', first.id, unknown, '--reason', 'figures to check with the shelter');
    expect(mixed.code).toBe(2);
    expect(mixed.out).toMatch(new RegExp(`^${first.id} ${first.dataset} 2026-03 rev 1: held$`, 'm'));
    expect(mixed.out).toMatch(new RegExp(`^${unknown}: not held: NOT_FOUND`, 'm'));
    // late entries for March; the centre has since turned auto-approval on
    identifiers.push(...(await march('CLL', 40)).identifiers);
    process.env.AUTO_APPROVE = 'true';
    let again;
    try {
      again = await cli('prepare', '--period', '2026-03');
    } finally {
      delete process.env.AUTO_APPROVE;
    }
    expect(again.code).toBe(0);
    const rows: { id: string; dataset_id: string; status: string; hold_reason: string | null }[] = await node.dataSource.query(
      `SELECT id, dataset_id, status, hold_reason FROM releases WHERE period = '2026-03' ORDER BY prepared_at, dataset_id`,
    );
    const current = (dataset: string) => rows.filter((r) => r.dataset_id === dataset && r.status !== 'superseded');
    // the held table was made again with the new figures, and is held for the same reason: auto-approval left it alone
    expect(rows.find((r) => r.id === first.id)?.status).toBe('superseded');
    expect(current(first.dataset)).toEqual([expect.objectContaining({ status: 'held', hold_reason: 'figures to check with the shelter' })]);
    // the other one, never held, was replaced and auto-approved
    expect(current(second.dataset)).toEqual([expect.objectContaining({ status: 'approved', hold_reason: null })]);
    // approving the held replacement ends the hold: its reason goes
    const replacement = current(first.dataset)[0].id;
    const approved = await cli('approve', replacement, second.id);
    expect(approved.code).toBe(3);
    expect(approved.out).toMatch(new RegExp(`^${replacement} ${first.dataset} 2026-03 rev 1: approved$`, 'm'));
    expect(approved.out).toMatch(new RegExp(`^${second.id}: not approved: RELEASE_NOT_PENDING`, 'm'));
    expect(approved.err).toContain('1 of 2 release(s) not approved');
    expect(await node.dataSource.query(`SELECT hold_reason FROM releases WHERE id = $1`, [replacement])).toEqual([{ hold_reason: null }]);
    for (const v of identifiers) expect(mixed.out + again.out + approved.out).not.toContain(v);
    // labels in the centre's languages
    const tg = await cli('preview', replacement, '--lang', 'tg');
    expect(tg.out).toContain('Ҳамагӣ');
    expect(await cli('preview', replacement, '--lang', 'de')).toMatchObject({ code: 2, err: expect.stringContaining('--lang') });
  });
});
