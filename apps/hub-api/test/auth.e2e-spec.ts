import request from 'supertest';
import { HubTestApp, startHubTestApp, TEST_PASSWORD } from './utils/hub-test-app';

describe('hub: sign-in, deny by default, health', () => {
  let hub: HubTestApp;
  beforeAll(async () => {
    hub = await startHubTestApp();
  });
  afterAll(() => hub.close());

  it('reports health with the database reachable', async () => {
    const res = await request(hub.app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('signs in with the right password and refuses a wrong one with UNAUTHENTICATED', async () => {
    await hub.signIn('researcher', null, 'reader@example.test');
    const ok = await hub.gql('mutation { login(input: {email: "reader@example.test", password: "' + TEST_PASSWORD + '"}) { accessToken role } }');
    expect(ok.data?.login.role).toBe('researcher');
    const bad = await hub.gql('mutation { login(input: {email: "reader@example.test", password: "wrong"}) { accessToken } }');
    expect(bad.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(bad.errors)).not.toMatch(/stack|at .*\.ts/);
  });

  it('tells UNAUTHENTICATED (no or bad token) from FORBIDDEN (wrong role)', async () => {
    const anon = await hub.gql('{ me { id } }');
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await hub.gql('{ me { id } }', {}, 'not-a-jwt');
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const researcher = await hub.signIn('researcher');
    const me = await hub.gql('{ me { role } }', {}, researcher);
    expect(me.data?.me.role).toBe('researcher');
    const create = await hub.gql(
      'mutation { createAccount(input: {email: "x@example.test", displayName: "X", password: "long enough password", role: ombudsman}) { id } }',
      {},
      researcher,
    );
    expect(create.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('validates input with a stable code, naming the field and writing nothing', async () => {
    const admin = await hub.signIn('association_admin');
    const res = await hub.gql(
      'mutation { createAccount(input: {email: "not-an-email", displayName: "X", password: "short", role: ombudsman}) { id } }',
      {},
      admin,
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (res.errors?.[0].extensions?.details.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['email', 'password']);
    const { count } = (await hub.dataSource.query(`SELECT count(*)::int AS count FROM accounts WHERE email = 'not-an-email'`))[0];
    expect(count).toBe(0);
  });

  it('refuses U+0000 in any text input with BAD_USER_INPUT naming the field, signed in or not (Postgres cannot store it)', async () => {
    const admin = await hub.signIn('association_admin');
    const cases: [string, Record<string, unknown>, string | undefined, string][] = [
      ['mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email: 'a\u0000@example.test', password: 'whatever it is' } }, undefined, 'input.email'],
      ['query($v: String!) { standard(version: $v) { version } }', { v: '2026.\u00001' }, undefined, 'version'],
      ['mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { email: 'nul@example.test', displayName: 'a\u0000b', password: 'a long enough password', role: 'ombudsman' } }, admin, 'input.displayName'],
    ];
    for (const [query, variables, token, field] of cases) {
      const res = await hub.gql(query, variables, token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field, code: 'INVALID_CHARACTERS' }] } });
    }
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM accounts WHERE email = 'nul@example.test'`))[0].n).toBe(0);
  });

  it('binds a member account only to a member the hub knows, and answers an id that is no UUID as bad input', async () => {
    const admin = await hub.signIn('association_admin');
    const ghost = await hub.gql(
      'mutation { createAccount(input: {email: "ghost@example.test", displayName: "G", password: "long enough password", role: member, memberId: "00000000-0000-4000-8000-000000000000"}) { id } }',
      {},
      admin,
    );
    expect(ghost.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'memberId', code: 'UNKNOWN_MEMBER' }] } });
    expect(await hub.dataSource.query(`SELECT 1 FROM accounts WHERE email = 'ghost@example.test'`)).toEqual([]);
    for (const query of [
      '{ member(id: "x") { id } }',
      '{ memberKeys(memberId: "x") { keyId } }',
      'mutation { suspendMember(memberId: "x") { id } }',
      'mutation { reinstateMember(memberId: "x") { id } }',
      'mutation { refuseMember(memberId: "x") { id } }',
      'mutation { rotateNodeCredentials(memberId: "x") { clientId } }',
    ]) {
      const field = /\((\w+):/.exec(query)?.[1];
      const ext = (await hub.gql(query, {}, admin)).errors?.[0].extensions;
      // the same details as every other invalid field: the argument and INVALID_FORMAT
      expect({ query, ext }).toMatchObject({ query, ext: { code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED', fields: [{ field, code: 'INVALID_FORMAT' }] } } });
    }
  });

  it('refuses a second application under a name already applied for, whatever its case and spacing (Cyrillic too)', async () => {
    const name = 'Маркази бӯҳронии «Ҳимоя», Хуҷанд';
    const apply = (n: string) =>
      hub.gql('mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { status } }', {
        i: { name: n, centreType: 'shelter', region: 'TJ-SU', contactEmail: 'office@himoya.example.tj' },
      });
    const members = async (): Promise<number> => (await hub.dataSource.query(`SELECT count(*)::int AS n FROM members`))[0].n;
    expect((await apply(name)).data?.applyForMembership.status).toBe('applied');
    const before = await members();
    for (const again of [name, name.toUpperCase(), name.toLowerCase(), `  ${name.replace(/ /g, '   ')}\t`, name.replace(/ /g, '\u00a0')]) {
      const res = await apply(again);
      expect({ again, extensions: res.errors?.[0].extensions }).toEqual({ again, extensions: { code: 'CONFLICT', details: { reason: 'NAME_TAKEN' } } });
    }
    expect(await members()).toBe(before);
    // Another centre of the same network, in another town, may still apply.
    expect((await apply('Маркази бӯҳронии «Ҳимоя», Панҷакент')).data?.applyForMembership.status).toBe('applied');
  });
});
