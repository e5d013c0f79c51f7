import { LoginThrottleService } from '../src/staff/login-throttle.service';
import { NodeTestApp, startNodeTestApp } from './utils/node-test-app';

jest.setTimeout(60_000);

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }';

/** The centre admin's staff accounts and the sign-in rate limit, as an attacker and a centre admin meet them. */
describe('member node, operator: staff accounts and sign-in', () => {
  let node: NodeTestApp;
  let admin: string;

  beforeAll(async () => {
    node = await startNodeTestApp({ LOGIN_MAX_FAILURES: '3' });
    admin = await node.signIn('centre_admin');
  });
  afterAll(() => node.close());
  // each case starts with no failed sign-in on record (they all come from one address)
  beforeEach(() => node.dataSource.query('DELETE FROM login_throttle'));

  const create = (username: string, password: string, role = 'caseworker') =>
    node.gql('mutation($i: CreateStaffInput!) { createStaffAccount(input: $i) { id } }', { i: { username, displayName: username, password, role } }, admin);

  it('lets no more guesses through than the limit when they arrive all at once', async () => {
    expect((await create('parallel.target', 'the right password')).errors).toBeUndefined();
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => node.gql(LOGIN, { i: { username: 'parallel.target', password: `guess number ${i}` } })));
    const checked = guesses.filter((g) => g.errors?.[0].extensions?.details?.reason === 'BAD_CREDENTIALS').length;
    // every guess beyond the limit is refused without its password being tried
    expect(checked).toBeLessThanOrEqual(3);
    expect(guesses.filter((g) => g.errors?.[0].extensions?.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(9);
    const right = await node.gql(LOGIN, { i: { username: 'parallel.target', password: 'the right password' } });
    expect(right.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts a username in another case or with spaces as the same account', async () => {
    expect((await create('case.target', 'the right password')).errors).toBeUndefined();
    for (const u of ['CASE.TARGET', ' case.target', 'Case.Target ']) {
      expect((await node.gql(LOGIN, { i: { username: u, password: 'wrong one' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await node.gql(LOGIN, { i: { username: 'case.target', password: 'the right password' } })).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('keeps no typed username in the sign-in limit, and forgets keys that hold nothing back', async () => {
    // a name typed where the username goes (synthetic), and a password typed there
    for (const u of ['Zarina Sharipova', 'my secret passphrase']) {
      expect((await node.gql(LOGIN, { i: { username: u, password: 'whatever it was' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const rows: { key: string }[] = await node.dataSource.query('SELECT key FROM login_throttle');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rows).toLowerCase()).not.toMatch(/zarina|sharipova|passphrase/);
    // an old window without a lock goes, a lock still running stays, a recent window stays
    await node.dataSource.query(
      `INSERT INTO login_throttle (key, failures, window_started_at, locked_until) VALUES
         ('account:stale', 2, now() - interval '2 days', NULL),
         ('account:locked', 9, now() - interval '2 days', now() + interval '1 hour'),
         ('account:expired-lock', 9, now() - interval '2 days', now() - interval '1 hour')`,
    );
    expect(await node.app.get(LoginThrottleService).sweepExpired()).toBe(2);
    const left: { key: string }[] = await node.dataSource.query(`SELECT key FROM login_throttle WHERE key LIKE 'account:%' ORDER BY key`);
    expect(left.map((r) => r.key)).toContain('account:locked');
    expect(left.map((r) => r.key)).not.toContain('account:stale');
    expect(left).toHaveLength(rows.filter((r) => r.key.startsWith('account:')).length + 1);
  });

  it('refuses a password of blanks only, or one that is the username', async () => {
    const blank = await create('blank.password', ' '.repeat(14));
    expect(blank.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'password' })] } });
    const same = await create('same.as.username', 'same.as.username');
    expect(same.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'password' })] } });
    expect(await node.dataSource.query(`SELECT username FROM staff_accounts WHERE username IN ('blank.password', 'same.as.username')`)).toEqual([]);
  });

  it('the last centre admin cannot deactivate herself', async () => {
    const [{ id }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM staff_accounts WHERE role = 'centre_admin' AND active`);
    const self = await node.gql('mutation($id: ID!) { deactivateStaffAccount(accountId: $id) { active } }', { id }, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_DEACTIVATION' } });
  });
});
