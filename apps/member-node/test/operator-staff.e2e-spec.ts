import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Principal } from '../src/common/auth/principal';
import { LoginThrottleService } from '../src/staff/login-throttle.service';
import { StaffService } from '../src/staff/staff.service';
import request from 'supertest';
import { NodeTestApp, startNodeTestApp, TEST_PASSWORD } from './utils/node-test-app';
import { waitForLockWaits } from '../../../test/harness/lock-waits';

jest.setTimeout(60_000);

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }';

/** The centre admin's staff accounts and the sign-in rate limit, as an attacker and a centre admin meet them. */
describe('member node, operator: staff accounts and sign-in', () => {
  let node: NodeTestApp;
  let admin: string;
  const adminName = 'the.admin';

  beforeAll(async () => {
    node = await startNodeTestApp({ LOGIN_MAX_FAILURES: '3' });
    admin = await node.signIn('centre_admin', adminName);
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

  it("writes what the services log through Nest's Logger into the app's log at once (an app that never listens lost it), so tests can read it", () => {
    new Logger('LogProbe').warn('a line a service logs');
    expect(node.logs.join('\n')).toContain('a line a service logs');
  });

  it('refuses U+0000 in a username with BAD_USER_INPUT, not an internal error', async () => {
    expect((await node.gql(LOGIN, { i: { username: 'x\u0000y', password: 'whatever it was' } })).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { fields: [{ field: 'input.username', code: 'INVALID_CHARACTERS' }] },
    });
  });

  it('keeps no typed username in the sign-in limit, and forgets keys that hold nothing back', async () => {
    // a name typed where the username goes (synthetic), and a password typed there
    for (const u of ['Zarina Sharipova', 'my secret passphrase']) {
      expect((await node.gql(LOGIN, { i: { username: u, password: 'whatever it was' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const rows: { key: string }[] = await node.dataSource.query('SELECT key FROM login_throttle');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rows).toLowerCase()).not.toMatch(/zarina|sharipova|passphrase/);
    // nor a plain hash of it, which a copy of the table would let anyone test guesses against offline
    for (const typed of ['Zarina Sharipova', 'my secret passphrase', 'zarina sharipova']) {
      expect(JSON.stringify(rows)).not.toContain(createHash('sha256').update(typed).digest('hex'));
    }
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

  const login = async (username: string, password: string): Promise<string | undefined> =>
    (await node.gql(LOGIN, { i: { username, password } })).data?.login.accessToken as string | undefined;
  const CHANGE_MINE = 'mutation($i: ChangeMyPasswordInput!) { changeMyPassword(input: $i) { accessToken role } }';
  const idOf = async (username: string): Promise<string> => {
    const [{ id }]: { id: string }[] = await node.dataSource.query('SELECT id FROM staff_accounts WHERE username = $1', [username]);
    return id;
  };

  it('lets staff change their own password: the current one is checked and counted, other sessions end', async () => {
    expect((await create('own.password', 'the first password')).errors).toBeUndefined();
    const token = (await login('own.password', 'the first password')) as string;
    expect((await node.gql(CHANGE_MINE, { i: { currentPassword: 'the first password', newPassword: 'the second password' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const other = (await login('own.password', 'the first password')) as string;
    const wrong = await node.gql(CHANGE_MINE, { i: { currentPassword: 'not my password', newPassword: 'the second password' } }, token);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'BAD_CREDENTIALS' } });
    const same = await node.gql(CHANGE_MINE, { i: { currentPassword: 'the first password', newPassword: 'the first password' } }, token);
    expect(same.errors?.[0].extensions).toMatchObject({ details: { reason: 'PASSWORD_UNCHANGED' } });
    const asName = await node.gql(CHANGE_MINE, { i: { currentPassword: 'the first password', newPassword: 'Own.Password' + ' '.repeat(6) } }, token);
    expect(asName.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'newPassword' })] } });
    const short = await node.gql(CHANGE_MINE, { i: { currentPassword: 'the first password', newPassword: 'short' } }, token);
    expect(short.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'newPassword' })] } });

    const changed = await node.gql(CHANGE_MINE, { i: { currentPassword: 'the first password', newPassword: 'the second password' } }, token);
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changeMyPassword.role).toBe('caseworker');
    for (const old of [token, other]) expect((await node.gql('{ me { role } }', {}, old)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql('{ me { role } }', {}, changed.data?.changeMyPassword.accessToken)).data?.me.role).toBe('caseworker');
    expect(await login('own.password', 'the first password')).toBeUndefined();
    expect(await login('own.password', 'the second password')).toBeDefined();
    const logged: unknown[] = await node.dataSource.query(`SELECT 1 FROM access_log WHERE action = 'staff.change_password' AND object_id = $1`, [await idOf('own.password')]);
    expect(logged).toHaveLength(1);
  });

  it('takes a password the centre admin set as temporary: until its holder chooses her own, her session may only change it, read me, or sign out', async () => {
    const SESSION = 'mutation($i: LoginInput!) { login(input: $i) { accessToken mustChangePassword } }';
    const session = async (username: string, password: string) => (await node.gql(SESSION, { i: { username, password } })).data?.login as { accessToken: string; mustChangePassword: boolean };
    const CASES = '{ clients(search: {first: 1}) { total } }';
    const refused = { code: 'FORBIDDEN', details: { reason: 'PASSWORD_CHANGE_REQUIRED' } };
    const flagOf = async (username: string): Promise<boolean> => (await node.gql('{ staffAccounts { username mustChangePassword } }', {}, admin)).data?.staffAccounts.find((a: { username: string }) => a.username === username)?.mustChangePassword;

    expect((await create('temp.manager', 'set by the admin', 'manager')).errors).toBeUndefined();
    const first = await session('temp.manager', 'set by the admin');
    expect(first.mustChangePassword).toBe(true);
    expect(await flagOf('temp.manager')).toBe(true);
    // the register, over GraphQL and over REST (an export), is closed to this session
    expect((await node.gql(CASES, {}, first.accessToken)).errors?.[0].extensions).toMatchObject(refused);
    const rest = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${first.accessToken}`).send({ format: 'csv', password: 'a long export passphrase 7' });
    expect({ status: rest.status, body: rest.body }).toMatchObject({ status: 403, body: refused });
    expect(await node.dataSource.query(`SELECT 1 FROM access_log WHERE action = 'register.export' AND actor_id = $1`, [await idOf('temp.manager')])).toEqual([]);
    // who she is and changing the password are open
    expect((await node.gql('{ me { username mustChangePassword } }', {}, first.accessToken)).data?.me).toEqual({ username: 'temp.manager', mustChangePassword: true });
    const changed = await node.gql('mutation($i: ChangeMyPasswordInput!) { changeMyPassword(input: $i) { accessToken mustChangePassword } }', { i: { currentPassword: 'set by the admin', newPassword: 'my very own password' } }, first.accessToken);
    expect(changed.data?.changeMyPassword.mustChangePassword).toBe(false);
    expect((await node.gql(CASES, {}, changed.data?.changeMyPassword.accessToken)).data?.clients.total).toEqual(expect.any(Number));
    expect((await session('temp.manager', 'my very own password')).mustChangePassword).toBe(false);
    expect(await flagOf('temp.manager')).toBe(false);

    // a reset by the admin makes it temporary again, and ends the session on her own password
    const mine = (await session('temp.manager', 'my very own password')).accessToken;
    await node.gql('mutation($i: ResetPasswordInput!) { resetStaffPassword(input: $i) { id } }', { i: { accountId: await idOf('temp.manager'), newPassword: 'the admin knows this one' } }, admin);
    expect((await node.gql(CASES, {}, mine)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const again = await session('temp.manager', 'the admin knows this one');
    expect(again.mustChangePassword).toBe(true);
    expect((await node.gql(CASES, {}, again.accessToken)).errors?.[0].extensions).toMatchObject(refused);
    expect((await node.gql('mutation { signOut }', {}, again.accessToken)).data?.signOut).toBe(true);
    // an account the operator created with her own password (the CLI, as the test harness does) is not temporary
    expect((await node.gql('{ me { mustChangePassword } }', {}, admin)).data?.me.mustChangePassword).toBe(false);
  });

  it('signing out ends every session of the account (a shared office computer), and the next sign-in works', async () => {
    expect((await create('shared.pc', 'the office password')).errors).toBeUndefined();
    const here = (await login('shared.pc', 'the office password')) as string;
    const elsewhere = (await login('shared.pc', 'the office password')) as string;
    expect((await node.gql('mutation { signOut }', {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql('mutation { signOut }', {}, here)).data?.signOut).toBe(true);
    for (const old of [here, elsewhere]) expect((await node.gql('{ me { role } }', {}, old)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const again = (await login('shared.pc', 'the office password')) as string;
    expect((await node.gql('{ me { username } }', {}, again)).data?.me.username).toBe('shared.pc');
    const logged: unknown[] = await node.dataSource.query(`SELECT 1 FROM access_log WHERE action = 'staff.sign_out' AND object_id = $1`, [await idOf('shared.pc')]);
    expect(logged).toHaveLength(1);
  });

  it('counts wrong current passwords against the sign-in limit', async () => {
    expect((await create('guessed.token', 'the real password')).errors).toBeUndefined();
    const token = (await login('guessed.token', 'the real password')) as string;
    for (let i = 0; i < 3; i++) {
      const r = await node.gql(CHANGE_MINE, { i: { currentPassword: `guess ${i}`, newPassword: 'a password of mine' } }, token);
      expect(r.errors?.[0].extensions?.details?.reason).toBe('BAD_CREDENTIALS');
    }
    const right = await node.gql(CHANGE_MINE, { i: { currentPassword: 'the real password', newPassword: 'a password of mine' } }, token);
    expect(right.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('changes a role (tokens naming the old one stop working) and lets a leaver back in with a new password', async () => {
    expect((await create('moving.up.again', 'a good long password')).errors).toBeUndefined();
    const id = await idOf('moving.up.again');
    const before = (await login('moving.up.again', 'a good long password')) as string;
    expect((await node.gql('{ me { role } }', {}, before)).data?.me.role).toBe('caseworker');
    const ROLE = 'mutation($i: ChangeStaffRoleInput!) { changeStaffRole(input: $i) { role } }';
    expect((await node.gql(ROLE, { i: { accountId: id, role: 'manager' } }, admin)).data?.changeStaffRole.role).toBe('manager');
    expect((await node.gql('{ me { role } }', {}, before)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const after = (await login('moving.up.again', 'a good long password')) as string;
    expect((await node.gql('{ me { role } }', {}, after)).data?.me.role).toBe('manager');
    const self = await node.gql(ROLE, { i: { accountId: await idOf(adminName), role: 'manager' } }, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_ROLE_CHANGE' } });

    await node.gql('mutation($id: ID!) { deactivateStaffAccount(accountId: $id) { active } }', { id }, admin);
    expect(await login('moving.up.again', 'a good long password')).toBeUndefined();
    const REACTIVATE = 'mutation($i: ReactivateStaffInput!) { reactivateStaffAccount(input: $i) { active } }';
    // not with her username as the password (as a reset refuses it), and nothing changes
    const own = await node.gql(REACTIVATE, { i: { accountId: id, newPassword: 'Moving.Up.Again' } }, admin);
    expect(own.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'newPassword', code: 'INVALID_VALUE' }] } });
    expect((await node.dataSource.query('SELECT active FROM staff_accounts WHERE id = $1', [id]))[0].active).toBe(false);
    expect((await node.gql(REACTIVATE, { i: { accountId: id, newPassword: 'welcome back password' } }, admin)).data?.reactivateStaffAccount.active).toBe(true);
    // not a reset in disguise: an active account (the log would say reactivate), nor her own (no current password asked)
    const again = await node.gql(REACTIVATE, { i: { accountId: id, newPassword: 'a password the admin knows' } }, admin);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'ACCOUNT_ACTIVE' } });
    const mine = await node.gql(REACTIVATE, { i: { accountId: await idOf(adminName), newPassword: 'a password set by a thief' } }, admin);
    expect(mine.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_RESET' } });
    // the token from before the deactivation stays dead, and so does the old password
    expect((await node.gql('{ me { role } }', {}, after)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await login('moving.up.again', 'a good long password')).toBeUndefined();
    expect(await login('moving.up.again', 'welcome back password')).toBeDefined();
    const actions: { action: string }[] = await node.dataSource.query(`SELECT action FROM access_log WHERE object_id = $1 ORDER BY id`, [id]);
    expect(actions.map((a) => a.action)).toEqual(['staff.create', 'staff.change_role', 'staff.deactivate', 'staff.reactivate']);
  });

  it('an admin does not reset her own password (changeMyPassword checks the current one), nor a colleague\'s to the username', async () => {
    const RESET = 'mutation($i: ResetPasswordInput!) { resetStaffPassword(input: $i) { id } }';
    const self = await node.gql(RESET, { i: { accountId: await idOf(adminName), newPassword: 'a password she chose' } }, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_RESET' } });
    expect((await create('reset.target', 'a first password')).errors).toBeUndefined();
    const asName = await node.gql(RESET, { i: { accountId: await idOf('reset.target'), newPassword: 'Reset.Target' + ' '.repeat(4) } }, admin);
    expect(asName.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'newPassword' })] } });
    expect(await login('reset.target', 'a first password')).toBeDefined();
  });

  it('a role changed and changed back: the tokens from before stay dead', async () => {
    expect((await create('back.and.forth', 'a good long password', 'manager')).errors).toBeUndefined();
    const id = await idOf('back.and.forth');
    const before = (await login('back.and.forth', 'a good long password')) as string;
    expect((await node.gql('{ me { role } }', {}, before)).data?.me.role).toBe('manager');
    const ROLE = 'mutation($i: ChangeStaffRoleInput!) { changeStaffRole(input: $i) { role } }';
    expect((await node.gql(ROLE, { i: { accountId: id, role: 'caseworker' } }, admin)).data?.changeStaffRole.role).toBe('caseworker');
    expect((await node.gql(ROLE, { i: { accountId: id, role: 'manager' } }, admin)).data?.changeStaffRole.role).toBe('manager');
    expect((await node.gql('{ me { role } }', {}, before)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await login('back.and.forth', 'a good long password')).toBeDefined();
  });

  it('two admins deactivating each other at once leave one of them', async () => {
    for (const u of ['admin.one', 'admin.two']) expect((await create(u, 'an admin password', 'centre_admin')).errors).toBeUndefined();
    const [[one], [two]]: { id: string; centre_id: string }[][] = await Promise.all(
      ['admin.one', 'admin.two'].map((u) => node.dataSource.query('SELECT id, centre_id FROM staff_accounts WHERE username = $1', [u])),
    );
    // both requests past the guard (both still admins) before either is written: the service itself decides
    const staff = node.app.get(StaffService);
    const as = (a: { id: string; centre_id: string }): Principal => ({ id: a.id, role: 'centre_admin', centreId: a.centre_id });
    const outcomes = await Promise.allSettled([staff.deactivate(as(one), two.id), staff.deactivate(as(two), one.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const active: unknown[] = await node.dataSource.query(`SELECT 1 FROM staff_accounts WHERE username IN ('admin.one', 'admin.two') AND active`);
    expect(active).toHaveLength(1);
  });

  it('two admins creating one username at once: the second is told it is taken (CONFLICT), as when one comes after the other', async () => {
    // the other admin's account is inserted, not yet committed: this request's check finds no such username,
    // then its insert waits on the unique index and fails once the other commits
    const other = node.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    let answer: Awaited<ReturnType<typeof create>>;
    try {
      await other.query(`INSERT INTO staff_accounts (centre_id, username, display_name, password_hash, role) SELECT centre_id, 'same.name', 'First', password_hash, 'caseworker' FROM staff_accounts LIMIT 1`);
      const pending = create('same.name', 'a good long password');
      await waitForLockWaits(node.dataSource, 'the request waiting on the other insert');
      await other.commitTransaction();
      answer = await pending;
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    const sequential = await create('same.name', 'a good long password');
    expect(sequential.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'USERNAME_TAKEN' } });
    expect(answer.errors?.[0].extensions).toEqual(sequential.errors?.[0].extensions);
    expect(answer.errors?.[0].message).toBe(sequential.errors?.[0].message);
    expect(await node.dataSource.query(`SELECT display_name FROM staff_accounts WHERE username = 'same.name'`)).toEqual([{ display_name: 'First' }]);
  });

  it('counts sign-ins by the peer address, ignoring an X-Forwarded-For no proxy was trusted to set', async () => {
    await request(node.app.getHttpServer())
      .post('/graphql')
      .set('x-forwarded-for', '203.0.113.77')
      .send({ query: LOGIN, variables: { i: { username: 'nobody.here', password: 'a wrong password' } } });
    const keys: { key: string }[] = await node.dataSource.query(`SELECT key FROM login_throttle WHERE key LIKE 'ip:%'`);
    expect(keys.map((k) => k.key)).not.toContain('ip:203.0.113.77');
    expect(keys.length).toBe(1);
  });

  it('the last centre admin cannot deactivate herself', async () => {
    const [{ id }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM staff_accounts WHERE role = 'centre_admin' AND active`);
    const self = await node.gql('mutation($id: ID!) { deactivateStaffAccount(accountId: $id) { active } }', { id }, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_DEACTIVATION' } });
  });
});

describe('member node behind a reverse proxy (TRUST_PROXY)', () => {
  let node: NodeTestApp;
  beforeAll(async () => {
    node = await startNodeTestApp({ LOGIN_MAX_FAILURES: '1', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => node.close());

  const login = (from: string, username: string, password: string) =>
    request(node.app.getHttpServer()).post('/graphql').set('x-forwarded-for', from).send({ query: LOGIN, variables: { i: { username, password } } });

  it("counts each client's address that the trusted proxy forwards, so one client's guesses lock out only that client", async () => {
    await node.signIn('caseworker', 'behind.proxy');
    // four wrong sign-ins (four accounts, one each) from one client reach its address's limit (4 x 1)
    for (let i = 0; i < 5; i++) await login('203.0.113.5', `guess.${i}`, 'a wrong password');
    const locked = await login('203.0.113.5', 'guess.9', 'a wrong password');
    expect(locked.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    // a colleague at another address signs in (behind an untrusted proxy, both were one address)
    const other = await login('203.0.113.6', 'behind.proxy', TEST_PASSWORD);
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.login.accessToken).toEqual(expect.any(String));
  });

  it('wrong passwords for an account from one machine lock that machine out, not the account: the only admin still signs in from hers', async () => {
    await node.signIn('centre_admin', 'the.only.admin');
    // someone who knows the username, again and again from one address (LOGIN_MAX_FAILURES is 1 here)
    for (let i = 0; i < 6; i++) await login('198.51.100.66', 'the.only.admin', `a guess ${i}`);
    expect((await login('198.51.100.66', 'the.only.admin', TEST_PASSWORD)).body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const own = await login('203.0.113.10', 'the.only.admin', TEST_PASSWORD);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.login.accessToken).toEqual(expect.any(String));
  });

  it('wrong passwords for one account, again and again, spend nothing more of the office address once that pair is locked: a colleague there signs in', async () => {
    await node.signIn('caseworker', 'office.colleague');
    for (let i = 0; i < 8; i++) await login('198.51.100.77', 'someone.forgetful', `try ${i}`);
    const colleague = await login('198.51.100.77', 'office.colleague', TEST_PASSWORD);
    expect(colleague.body.errors).toBeUndefined();
  });

  it('guesses for one account from many addresses reach its own ceiling (ten times the limit), which locks it everywhere', async () => {
    await node.signIn('caseworker', 'many.addresses');
    for (let a = 1; a <= 10; a++) {
      expect((await login(`192.0.2.${a}`, 'many.addresses', 'a wrong password')).body.errors?.[0].extensions?.details?.reason).toBe('BAD_CREDENTIALS');
    }
    const locked = await login('192.0.2.200', 'many.addresses', TEST_PASSWORD);
    expect(locked.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'LOGIN_LOCKED' } });
    // the table holds hashes of usernames and pairs, never a typed username
    const keys: { key: string }[] = await node.dataSource.query(`SELECT key FROM login_throttle WHERE key NOT LIKE 'ip:%'`);
    expect(JSON.stringify(keys)).not.toContain('many.addresses');
    for (const { key } of keys) expect(key).toMatch(/^(account:[0-9a-f]{64}|pair:[0-9a-f]{64}:[0-9a-f]{64})$/);
  });
});
