import request from 'supertest';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

/**
 * applyForMembership is open to anyone on the internet: stored applications are limited per
 * source (address, or account when signed in) and in number while undecided; refused attempts
 * do not count; the Association's coordinator is not limited.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are checked field by field */
describe('membership applications: limits for an open mutation', () => {
  let hub: HubTestApp;
  let admin: string;
  let n = 0;
  const APPLY = 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id status } }';
  const input = (name = `Applicant centre ${++n}`, region = 'TJ-SU') => ({ name, centreType: 'shelter', region, contactEmail: 'office@applicant.example.tj' });
  /** One application from `address` (the hub trusts the loopback proxy's X-Forwarded-For), or with a token. */
  const apply = async (from: { address?: string; token?: string }, i = input()): Promise<{ data?: any; errors?: any[] }> => {
    const req = request(hub.app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
    if (from.address) req.set('x-forwarded-for', from.address);
    if (from.token) req.set('authorization', `Bearer ${from.token}`);
    return (await req.send({ query: APPLY, variables: { i } })).body;
  };
  const open = async (): Promise<number> => (await hub.dataSource.query(`SELECT count(*)::int AS n FROM members WHERE status = 'applied'`))[0].n;
  const reason = (r: { errors?: any[] }): unknown => r.errors?.[0]?.extensions;

  beforeAll(async () => {
    hub = await startHubTestApp({ APPLICATIONS_PER_DAY: '2', MAX_OPEN_APPLICATIONS: '6', TRUST_PROXY: 'loopback' });
    admin = await hub.signIn('association_admin');
  }, 120_000);
  afterAll(() => hub.close());

  it('stores at most APPLICATIONS_PER_DAY from one address; refused attempts do not count; another address and a signed-in account have their own count', async () => {
    const A = '198.51.100.7';
    // invalid input and a name already taken are refused before anything is counted
    expect(reason(await apply({ address: A }, { ...input(), region: 'XX' }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    const first = input();
    expect((await apply({ address: A }, first)).data?.applyForMembership.status).toBe('applied');
    expect(reason(await apply({ address: A }, first))).toEqual({ code: 'CONFLICT', details: { reason: 'NAME_TAKEN' } });
    expect((await apply({ address: A })).data?.applyForMembership.status).toBe('applied');

    const before = await open();
    const third = await apply({ address: A });
    expect(third.data ?? null).toBeNull();
    expect(reason(third)).toEqual({ code: 'RATE_LIMITED', details: { reason: 'TOO_MANY_APPLICATIONS' } });
    expect(await open()).toBe(before);

    expect((await apply({ address: '203.0.113.9' })).data?.applyForMembership.status).toBe('applied');
    const researcher = await hub.signIn('researcher');
    expect((await apply({ address: A, token: researcher })).data?.applyForMembership.status).toBe('applied');

    // the table holds hashes of the sources, never an address or an account id
    const keys: { key: string }[] = await hub.dataSource.query(`SELECT key FROM application_attempts ORDER BY key`);
    expect(keys).toHaveLength(3);
    for (const { key } of keys) expect(key).toMatch(/^(address|account):[0-9a-f]{64}$/);
    expect(JSON.stringify(keys)).not.toContain(A);
  });

  it('refuses everyone but the coordinator while MAX_OPEN_APPLICATIONS are undecided, and takes applications again once some are decided', async () => {
    // the coordinator registers applications on behalf of centres, beyond any per-source limit
    while ((await open()) < 6) {
      expect((await apply({ token: admin })).data?.applyForMembership.status).toBe('applied');
    }
    const full = await apply({ address: '192.0.2.44' });
    expect(reason(full)).toEqual({ code: 'RATE_LIMITED', details: { reason: 'APPLICATIONS_FULL' } });
    expect(await open()).toBe(6);
    const extra = await apply({ token: admin });
    expect(extra.data?.applyForMembership.status).toBe('applied');

    for (const id of [extra.data?.applyForMembership.id, (await hub.dataSource.query(`SELECT id FROM members WHERE status = 'applied' LIMIT 1`))[0].id]) {
      const refused = await hub.gql(`mutation { refuseMember(memberId: "${id}") { status } }`, {}, admin);
      expect(refused.data?.refuseMember.status).toBe('refused');
    }
    expect((await apply({ address: '192.0.2.44' })).data?.applyForMembership.status).toBe('applied');
  });
});

describe('membership applications: a burst larger than the connection pool', () => {
  let hub: HubTestApp;
  beforeAll(async () => {
    hub = await startHubTestApp({ APPLICATIONS_PER_DAY: '2', MAX_OPEN_APPLICATIONS: '100', TRUST_PROXY: 'loopback' });
  }, 120_000);
  afterAll(() => hub.close());

  it('answers every one of 45 concurrent applications (pool of 20): two stored per address, the third refused and not counted', async () => {
    // Applications queue on one advisory lock, each holding a pool connection meanwhile; the per-source
    // count once ran on a second connection, which the lock holder then waited for forever.
    const APPLY = 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id status } }';
    const send = (address: string, name: string): Promise<{ data?: any; errors?: any[] }> =>
      request(hub.app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('x-forwarded-for', address)
        .send({ query: APPLY, variables: { i: { name, centreType: 'shelter', region: 'TJ-SU', contactEmail: 'office@burst.example.tj' } } })
        .then((r) => r.body as { data?: any; errors?: any[] });
    const calls: Promise<{ data?: any; errors?: any[] }>[] = [];
    for (let a = 1; a <= 15; a++) for (let k = 1; k <= 3; k++) calls.push(send(`198.51.100.${a}`, `Burst centre ${a}-${k}`));
    const answers = await Promise.all(calls);
    const stored = answers.filter((r) => r.data?.applyForMembership?.status === 'applied').length;
    const refused = answers.filter((r) => r.errors?.[0]?.extensions?.details?.reason === 'TOO_MANY_APPLICATIONS').length;
    expect({ stored, refused }).toEqual({ stored: 30, refused: 15 });
    const [{ n }] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM members WHERE status = 'applied'`);
    expect(n).toBe(30);
    // the refused third application of each address counted nothing
    const counts: { failures: number }[] = await hub.dataSource.query(`SELECT failures FROM application_attempts`);
    expect(counts).toHaveLength(15);
    for (const c of counts) expect(c.failures).toBe(2);
  }, 60_000);

  it('counts an IPv6 source by its /64 (one host holds all of it), and an IPv4 address mapped into IPv6 as the IPv4 address', async () => {
    const APPLY = 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id status } }';
    let k = 0;
    const send = async (address: string): Promise<unknown> => {
      const r = await request(hub.app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('x-forwarded-for', address)
        .send({ query: APPLY, variables: { i: { name: `Source centre ${++k}`, centreType: 'shelter', region: 'TJ-SU', contactEmail: 'office@source.example.tj' } } });
      return r.body.data?.applyForMembership?.status ?? r.body.errors?.[0]?.extensions?.details?.reason;
    };
    expect(await send('2001:db8:7:7::1')).toBe('applied');
    expect(await send('2001:db8:7:7:abcd:1234:5678:9')).toBe('applied');
    expect(await send('2001:0db8:0007:0007::ffff')).toBe('TOO_MANY_APPLICATIONS');
    expect(await send('2001:db8:7:8::1')).toBe('applied');
    expect(await send('203.0.113.44')).toBe('applied');
    expect(await send('203.0.113.44')).toBe('applied');
    expect(await send('::ffff:203.0.113.44')).toBe('TOO_MANY_APPLICATIONS');
  });

  it('checks a name as it would be stored, trimmed: blanks and two letters with blanks around them are no name', async () => {
    const APPLY = 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { name } }';
    const send = (name: string) =>
      request(hub.app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('x-forwarded-for', '192.0.2.200')
        .send({ query: APPLY, variables: { i: { name, centreType: 'shelter', region: 'TJ-SU', contactEmail: 'office@trim.example.tj' } } })
        .then((r) => r.body as { data?: any; errors?: any[] });
    for (const name of ['     ', '  ab  ']) {
      const r = await send(name);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED' } });
    }
    expect((await send('  Trimmed centre  ')).data?.applyForMembership.name).toBe('Trimmed centre');
  });
});

describe('membership applications: a refused application keeps no name', () => {
  let hub: HubTestApp;
  let admin: string;
  beforeAll(async () => {
    hub = await startHubTestApp();
    admin = await hub.signIn('association_admin');
  }, 120_000);
  afterAll(() => hub.close());

  it('a squatter under a real centre\'s name blocks it only until the coordinator refuses the squatter; then the centre applies under the same name', async () => {
    const APPLY = 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id status name } }';
    const apply = (name: string, contactEmail: string, token?: string) =>
      hub.gql(APPLY, { i: { name, centreType: 'crisis_centre', region: 'TJ-DU', contactEmail } }, token);
    const name = 'Маркази бӯҳронии «Имкон», Душанбе';
    const squat = await apply(name, 'squatter@example.test');
    expect(squat.data?.applyForMembership.status).toBe('applied');
    // while it is undecided the name is taken (the coordinator decides which applicant is the centre)
    expect((await apply(name.toUpperCase(), 'office@imkon.example.tj')).errors?.[0].extensions).toEqual({ code: 'CONFLICT', details: { reason: 'NAME_TAKEN' } });
    const refused = await hub.gql(`mutation { refuseMember(memberId: "${squat.data?.applyForMembership.id}") { status } }`, {}, admin);
    expect(refused.data?.refuseMember.status).toBe('refused');

    // the exact name again (the unique index ignores refused rows too), from the centre and as registered by the coordinator
    const real = await apply(name, 'office@imkon.example.tj');
    expect(real.errors).toBeUndefined();
    expect(real.data?.applyForMembership).toMatchObject({ status: 'applied', name });
    // and the centre's application now holds the name, against the squatter as against anyone
    expect((await apply(`  ${name.toLowerCase()} `, 'squatter@example.test')).errors?.[0].extensions).toEqual({ code: 'CONFLICT', details: { reason: 'NAME_TAKEN' } });
    expect((await apply(name, 'office@imkon.example.tj', admin)).errors?.[0].extensions).toEqual({ code: 'CONFLICT', details: { reason: 'NAME_TAKEN' } });
    const rows = await hub.dataSource.query(`SELECT status FROM members WHERE name = $1 ORDER BY applied_at`, [name]);
    expect(rows).toEqual([{ status: 'refused' }, { status: 'applied' }]);
  });
});
