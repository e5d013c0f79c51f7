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
