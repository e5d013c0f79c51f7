import { createHash, generateKeyPairSync } from 'node:crypto';
import { AccountsService } from '../src/accounts/accounts.service';
import { HubError } from '../src/common/errors/hub.error';
import { publishedDocument } from './fixtures/libraries/library-api';
import { admitTestMember } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp, TEST_PASSWORD } from './utils/hub-test-app';

describe('coordinator: accounts (sign-in limits, deactivation, password reset)', () => {
  let hub: HubTestApp;
  let admin: string;
  const login = (email: string, password: string): ReturnType<HubTestApp['gql']> =>
    hub.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email, password } });
  const idOf = async (email: string): Promise<string> => (await hub.dataSource.query(`SELECT id FROM accounts WHERE email = $1`, [email]))[0].id;
  const emailOf = async (token: string): Promise<string> => (await hub.gql('{ me { email } }', {}, token)).data?.me.email as string;
  const me = async (token: string): Promise<string | undefined> => {
    const res = await hub.gql('{ me { email } }', {}, token);
    return res.data?.me.email ?? res.errors?.[0].extensions?.code;
  };

  beforeAll(async () => {
    hub = await startHubTestApp();
    admin = await hub.signIn('association_admin');
  }, 120_000);
  afterAll(() => hub.close());

  it('locks sign-in from an address after 10 wrong passwords, even against the right one, and says so in the audit log', async () => {
    const email = 'guessed@example.test';
    await hub.signIn('ombudsman', null, email);
    for (let i = 0; i < 10; i++) expect((await login(email, `guess number ${i}`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const locked = await login(email, TEST_PASSWORD);
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'SIGN_IN_LOCKED' } });
    const id = await idOf(email);
    expect(await hub.dataSource.query(`SELECT actor_kind, details FROM audit_log WHERE action = 'account.lock' AND object_id = $1`, [id])).toEqual([
      { actor_kind: 'system', details: { minutes: 15, scope: 'address' } },
    ]);
    // the table keeps hashes: neither the email typed nor the address
    const keys = JSON.stringify(await hub.dataSource.query('SELECT key FROM sign_in_attempts'));
    expect(keys).not.toMatch(/guessed|example|127\.0\.0\.1/);
    // nor plain hashes of them, which a copy of the table would let anyone test guesses against offline
    for (const typed of [email, '127.0.0.1', '::ffff:127.0.0.1']) expect(keys).not.toContain(createHash('sha256').update(typed).digest('hex'));
    // The Association lifts the lock by setting a new password.
    const reset = await hub.gql('mutation($i: ResetPasswordInput!) { resetAccountPassword(input: $i) { id active } }', { i: { accountId: id, password: 'a brand new password' } }, admin);
    expect(reset.data?.resetAccountPassword).toEqual({ id, active: true });
    expect((await login(email, 'a brand new password')).data?.login.accessToken).toEqual(expect.any(String));
  });

  it('lets no more than 10 guesses have their password checked when 30 arrive at once', async () => {
    const email = 'rushed@example.test';
    await hub.signIn('researcher', null, email);
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(email, `parallel guess ${i}`)));
    const codes = guesses.map((g) => g.errors?.[0].extensions?.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(20);
    expect((await login(email, TEST_PASSWORD)).errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'SIGN_IN_LOCKED' } });
    const id = await idOf(email);
    expect(await hub.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'account.lock' AND object_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it("an address's guesses lock out that address only, an unknown email locks alike, and many addresses together lock the account", async () => {
    const accounts = hub.app.get(AccountsService);
    const attempt = (email: string, password: string, ip: string): Promise<string> =>
      accounts.login({ email, password }, ip).then(
        () => 'ok',
        (e: HubError) => String((e.details as { reason?: string } | undefined)?.reason ?? e.message),
      );
    const email = 'targeted@example.test';
    await hub.signIn('ombudsman', null, email);
    for (let i = 0; i < 11; i++) await attempt(email, `attacker ${i}`, '203.0.113.66');
    expect(await attempt(email, TEST_PASSWORD, '203.0.113.66')).toBe('SIGN_IN_LOCKED');
    // the holder, elsewhere, is not locked out by someone else's guessing
    expect(await attempt(email, TEST_PASSWORD, '198.51.100.10')).toBe('ok');
    // an email without an account answers the same way: the lock does not tell which emails exist
    for (let i = 0; i < 10; i++) expect(await attempt('nobody@example.test', `guess ${i}`, '203.0.113.66')).toBe('BAD_CREDENTIALS');
    expect(await attempt('nobody@example.test', 'guess 10', '203.0.113.66')).toBe('SIGN_IN_LOCKED');
    // guessing from many addresses: 50 wrong passwords within the window lock the email itself, with or without an
    // account: the answers to the 51st attempt and after are the same for both, so they tell nobody which emails exist
    const spread = 'spread@example.test';
    await hub.signIn('researcher', null, spread);
    for (const target of [spread, 'no-account@example.test']) {
      for (let i = 0; i < 50; i++) expect(await attempt(target, `botnet ${i}`, `192.0.2.${i % 5}`)).toBe('BAD_CREDENTIALS');
      expect(await attempt(target, TEST_PASSWORD, '198.51.100.11')).toBe('ACCOUNT_LOCKED');
      expect(await attempt(target, `botnet 51`, '198.51.100.12')).toBe('ACCOUNT_LOCKED');
    }
    const details = await hub.dataSource.query(`SELECT details FROM audit_log WHERE action = 'account.lock' AND object_id = $1`, [await idOf(spread)]);
    expect(details).toEqual([{ details: { minutes: 15, scope: 'account' } }]);
    // the Association lifts it by setting a new password
    await hub.gql('mutation($i: ResetPasswordInput!) { resetAccountPassword(input: $i) { id } }', { i: { accountId: await idOf(spread), password: 'reset after the botnet' } }, admin);
    expect(await attempt(spread, 'reset after the botnet', '198.51.100.11')).toBe('ok');
    // about 130 argon2 verifications: over 5 s on two busy cores (it timed out under a parallel run)
  }, 30_000);

  it('a right password in between starts the count again', async () => {
    const email = 'forgetful@example.test';
    await hub.signIn('researcher', null, email);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) await login(email, `typo ${i}`);
      expect((await login(email, TEST_PASSWORD)).data?.login.accessToken).toEqual(expect.any(String));
    }
  });

  it('deactivating an account refuses its sign-in and the tokens it already holds; reactivated, it signs in again', async () => {
    const email = 'leaving@example.test';
    const token = await hub.signIn('researcher', null, email);
    expect(await me(token)).toBe(email);
    const id = await idOf(email);
    const off = await hub.gql(`mutation { deactivateAccount(accountId: "${id}") { active } }`, {}, admin);
    expect(off.data?.deactivateAccount.active).toBe(false);
    expect(await me(token)).toBe('UNAUTHENTICATED');
    expect((await login(email, TEST_PASSWORD)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(`mutation { reactivateAccount(accountId: "${id}") { active } }`, {}, admin)).data?.reactivateAccount.active).toBe(true);
    // The token from before the deactivation stays dead.
    expect(await me(token)).toBe('UNAUTHENTICATED');
    const again = (await login(email, TEST_PASSWORD)).data?.login.accessToken as string;
    expect(await me(again)).toBe(email);
    const actions = await hub.dataSource.query(`SELECT action, details FROM audit_log WHERE object_id = $1 ORDER BY id`, [id]);
    expect(actions.map((r: { action: string }) => r.action)).toEqual(['account.create', 'account.deactivate', 'account.reactivate']);
  });

  it('a password reset ends the sessions of the old password; the audit log never holds a password', async () => {
    const email = 'stolen@example.test';
    const token = await hub.signIn('ombudsman', null, email);
    const id = await idOf(email);
    await hub.gql('mutation($i: ResetPasswordInput!) { resetAccountPassword(input: $i) { id } }', { i: { accountId: id, password: 'reset by the association' } }, admin);
    expect(await me(token)).toBe('UNAUTHENTICATED');
    expect((await login(email, TEST_PASSWORD)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const fresh = (await login(email, 'reset by the association')).data?.login.accessToken as string;
    // The holder then chooses their own: other sessions end, this one continues with the returned token.
    const changed = await hub.gql('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }', { i: { currentPassword: 'reset by the association', newPassword: 'only I know this one' } }, fresh);
    const next = changed.data?.changePassword.accessToken as string;
    expect(await me(fresh)).toBe('UNAUTHENTICATED');
    expect(await me(next)).toBe(email);
    const wrong = await hub.gql('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }', { i: { currentPassword: 'not it', newPassword: 'another long password' } }, next);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'currentPassword', code: 'WRONG_PASSWORD' }] } });
    const audit = JSON.stringify(await hub.dataSource.query(`SELECT * FROM audit_log`));
    for (const secret of ['reset by the association', 'only I know this one', TEST_PASSWORD]) expect(audit).not.toContain(secret);
    expect(audit).toContain('account.reset_password');
    expect(audit).toContain('account.change_password');
  });

  it('takes a password the Association set as temporary: until its holder chooses her own, her session may only change it or read me', async () => {
    const SESSION = 'mutation($i: LoginInput!) { login(input: $i) { accessToken mustChangePassword } }';
    const session = async (email: string, password: string) => (await hub.gql(SESSION, { i: { email, password } })).data?.login as { accessToken: string; mustChangePassword: boolean };
    const HISTORY = '{ libraryDocumentVersions(id: "6f1c2d3e-4a5b-4c6d-8e7f-901234567890") { id } }';
    const PRIVATE = '{ statistics(query: {datasetId: "clients_quarterly", from: "2025-Q1", to: "2025-Q1"}) { audience } }';
    const PUBLIC = '{ statistics(query: {datasetId: "services_monthly", from: "2025-01", to: "2025-01"}) { audience } }';
    const refused = { code: 'FORBIDDEN', details: { reason: 'PASSWORD_CHANGE_REQUIRED' } };
    const email = 'temporary@example.test';
    const created = await hub.gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id mustChangePassword } }', { i: { email, displayName: 'Researcher', password: 'set by the association', role: 'researcher' } }, admin);
    expect(created.data?.createAccount.mustChangePassword).toBe(true);
    const first = await session(email, 'set by the association');
    expect(first.mustChangePassword).toBe(true);
    expect((await hub.gql(HISTORY, {}, first.accessToken)).errors?.[0].extensions).toMatchObject(refused);
    // what anyone may read, it reads as anyone: the public view, not a researcher's
    expect((await hub.gql(PRIVATE, {}, first.accessToken)).errors?.[0].extensions).toMatchObject({ details: { reason: 'DATASET_NOT_PUBLIC' } });
    const anonymous = (await hub.gql(PUBLIC, {})).data?.statistics.audience;
    expect((await hub.gql(PUBLIC, {}, first.accessToken)).data?.statistics.audience).toBe(anonymous);
    expect((await hub.gql('{ me { email mustChangePassword } }', {}, first.accessToken)).data?.me).toEqual({ email, mustChangePassword: true });
    const changed = await hub.gql('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken mustChangePassword } }', { i: { currentPassword: 'set by the association', newPassword: 'a password of my own' } }, first.accessToken);
    expect(changed.data?.changePassword.mustChangePassword).toBe(false);
    expect((await hub.gql(PRIVATE, {}, changed.data?.changePassword.accessToken)).data?.statistics.audience).toBe('combined');
    expect((await hub.gql(HISTORY, {}, changed.data?.changePassword.accessToken)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await session(email, 'a password of my own')).mustChangePassword).toBe(false);
    // a reset makes it temporary again
    await hub.gql('mutation($i: ResetPasswordInput!) { resetAccountPassword(input: $i) { id } }', { i: { accountId: await idOf(email), password: 'reset by the association' } }, admin);
    const again = await session(email, 'reset by the association');
    expect(again.mustChangePassword).toBe(true);
    expect((await hub.gql(HISTORY, {}, again.accessToken)).errors?.[0].extensions).toMatchObject(refused);
    const list = (await hub.gql('{ accounts { email mustChangePassword } }', {}, admin)).data?.accounts as { email: string; mustChangePassword: boolean }[];
    expect(list.find((a) => a.email === email)?.mustChangePassword).toBe(true);
    // accounts an operator made with her own password (the CLI, as the test harness does) are not temporary
    expect((await hub.gql('{ me { mustChangePassword } }', {}, admin)).data?.me.mustChangePassword).toBe(false);
  });

  it('only the Association manages accounts; nobody deactivates their own; a node has no password to change', async () => {
    const researcher = await hub.signIn('researcher');
    const node = await admitTestMember(hub);
    const member = await hub.signIn('member', node.memberId);
    const adminId = (await hub.gql('{ me { id } }', {}, admin)).data?.me.id as string;
    for (const token of [researcher, member, node.token]) {
      for (const op of [
        '{ accounts { id } }',
        `mutation { deactivateAccount(accountId: "${adminId}") { id } }`,
        `mutation { reactivateAccount(accountId: "${adminId}") { id } }`,
        `mutation { resetAccountPassword(input: {accountId: "${adminId}", password: "taking over the hub"}) { id } }`,
      ]) {
        expect({ op, code: (await hub.gql(op, {}, token)).errors?.[0].extensions?.code }).toEqual({ op, code: 'FORBIDDEN' });
      }
    }
    const self = await hub.gql(`mutation { deactivateAccount(accountId: "${adminId}") { id } }`, {}, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'SELF' } });
    const nodeChange = await hub.gql('mutation { changePassword(input: {currentPassword: "x", newPassword: "long enough password"}) { accessToken } }', {}, node.token);
    expect(nodeChange.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const list = await hub.gql('{ accounts(filter: {role: association_admin}) { id role } }', {}, admin);
    expect(list.data?.accounts).toEqual([{ id: adminId, role: 'association_admin' }]);
  });

  it("a suspended member's accounts do nothing: their tokens stop, signing in says why; reinstated, they sign in again", async () => {
    const node = await admitTestMember(hub);
    const email = 'manager.suspended@example.test';
    const token = await hub.signIn('member', node.memberId, email);
    const doc = await publishedDocument(hub, admin, admin, { accessLevel: 'members_only', title: { en: 'Internal safety plan' } });
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ops = [
      '{ me { email } }',
      `{ libraryDocument(id: "${doc.id}") { accessLevel } }`,
      `{ member(id: "${node.memberId}") { status } }`,
      `mutation { createLibraryDocument(input: {kind: methodology, accessLevel: public, title: {en: "x"}, year: 2025, language: en}) { id } }`,
      `mutation { rotateNodeCredentials(memberId: "${node.memberId}") { clientId } }`,
      `mutation($k: String!) { registerNodeKey(input: {memberId: "${node.memberId}", publicKey: $k}) { keyId } }`,
    ];
    const codes = async (t: string): Promise<(string | undefined)[]> => Promise.all(ops.map(async (op) => (await hub.gql(op, { k: pem }, t)).errors?.[0].extensions?.code));
    // admitted, the account reads the members' library and manages its node (registerNodeKey: the key is registered once)
    expect((await hub.gql(ops[1], {}, token)).data?.libraryDocument.accessLevel).toBe('members_only');
    // its node's token reads public documents only (a node's token outlives a suspension)
    expect((await hub.gql(ops[1], {}, node.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    expect((await hub.gql(`mutation { suspendMember(memberId: "${node.memberId}") { status } }`, {}, admin)).data?.suspendMember.status).toBe('suspended');
    expect(await codes(token)).toEqual(ops.map(() => 'UNAUTHENTICATED'));
    const documents = await hub.dataSource.query(`SELECT count(*)::int AS n FROM library_documents`);
    const keys = await hub.dataSource.query(`SELECT key_id, active FROM member_keys WHERE member_id = $1`, [node.memberId]);
    expect(keys).toEqual([{ key_id: node.keyId, active: true }]);
    const creds = await hub.dataSource.query(`SELECT client_id FROM member_credentials WHERE member_id = $1 AND active`, [node.memberId]);
    expect(creds).toEqual([{ client_id: node.clientId }]);
    // the right password is told why; a wrong one learns nothing
    expect((await login(email, TEST_PASSWORD)).errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED', details: { reason: 'MEMBER_NOT_ADMITTED', status: 'suspended' } });
    expect((await login(email, 'not the password')).errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED', details: { reason: 'BAD_CREDENTIALS' } });
    // its node still gets a token, to be told MEMBER_SUSPENDED when it submits
    const nodeToken = await hub.gql('mutation($i: NodeTokenInput!) { nodeToken(input: $i) { memberId } }', { i: { clientId: node.clientId, clientSecret: node.clientSecret } });
    expect(nodeToken.data?.nodeToken.memberId).toBe(node.memberId);

    expect((await hub.gql(`mutation { reinstateMember(memberId: "${node.memberId}") { status } }`, {}, admin)).data?.reinstateMember.status).toBe('admitted');
    const again = (await login(email, TEST_PASSWORD)).data?.login.accessToken as string;
    expect(await codes(again)).toEqual(ops.map(() => undefined));
    expect(await hub.dataSource.query(`SELECT count(*)::int AS n FROM library_documents`)).toEqual([{ n: documents[0].n + 1 }]);
  });

  it('binds a member account to an admitted or suspended member only, never to an application or a refused one', async () => {
    const CREATE = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id memberId } }';
    const create = (email: string, memberId: string) => hub.gql(CREATE, { i: { email, displayName: 'Centre staff', password: TEST_PASSWORD, role: 'member', memberId } }, admin);
    const apply = async (name: string): Promise<string> =>
      (await hub.gql('mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id } }', { i: { name, centreType: 'shelter', region: 'TJ-SU', contactEmail: 'office@applicant.example.tj' } }, admin)).data
        ?.applyForMembership.id;
    const pending = await apply('Pending shelter Kulob');
    const refused = await apply('Refused shelter Kulob');
    await hub.gql(`mutation { refuseMember(memberId: "${refused}") { status } }`, {}, admin);
    for (const [memberId, status] of [[pending, 'applied'], [refused, 'refused']]) {
      const res = await create(`staff.${status}@example.test`, memberId);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'memberId', code: 'MEMBER_NOT_ADMITTED', messages: [expect.stringContaining(status)] }] } });
    }
    expect((await create('staff.unknown@example.test', '00000000-0000-4000-8000-000000000000')).errors?.[0].extensions).toMatchObject({
      details: { fields: [{ field: 'memberId', code: 'UNKNOWN_MEMBER' }] },
    });
    expect(await hub.dataSource.query(`SELECT email FROM accounts WHERE email LIKE 'staff.%'`)).toEqual([]);

    // a suspended member's account may be prepared; it signs in once the member is reinstated
    const node = await admitTestMember(hub);
    await hub.gql(`mutation { suspendMember(memberId: "${node.memberId}") { status } }`, {}, admin);
    expect((await create('staff.suspended@example.test', node.memberId)).data?.createAccount.memberId).toBe(node.memberId);
    expect((await login('staff.suspended@example.test', TEST_PASSWORD)).errors?.[0].extensions?.details?.reason).toBe('MEMBER_NOT_ADMITTED');
    await hub.gql(`mutation { reinstateMember(memberId: "${node.memberId}") { status } }`, {}, admin);
    expect((await login('staff.suspended@example.test', TEST_PASSWORD)).data?.login.accessToken).toEqual(expect.any(String));
  });

  it('a coordinator resets other people\'s passwords, not her own (changePassword checks the current one)', async () => {
    const self = await hub.gql('mutation($i: ResetPasswordInput!) { resetAccountPassword(input: $i) { id } }', { i: { accountId: await idOf(await emailOf(admin)), password: 'a password of my own' } }, admin);
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'SELF_RESET' } });
    expect(await me(admin)).toEqual(expect.stringContaining('@'));
  });

  it('two coordinators deactivating each other at the same moment leave one of them', async () => {
    const [one, two] = [await hub.signIn('association_admin', null, 'one.coordinator@example.test'), await hub.signIn('association_admin', null, 'two.coordinator@example.test')];
    const ids = [await idOf('one.coordinator@example.test'), await idOf('two.coordinator@example.test')];
    const accounts = hub.app.get(AccountsService);
    const as = (id: string) => ({ kind: 'user' as const, id, role: 'association_admin' as const, memberId: null });
    const outcomes = await Promise.allSettled([accounts.setActive(as(ids[0]), ids[1], false), accounts.setActive(as(ids[1]), ids[0], false)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(HubError);
    const active: unknown[] = await hub.dataSource.query(`SELECT 1 FROM accounts WHERE id = ANY($1) AND active`, [ids]);
    expect(active).toHaveLength(1);
    expect([await me(one), await me(two)].filter((m) => m === 'UNAUTHENTICATED')).toHaveLength(1);
  });
});
