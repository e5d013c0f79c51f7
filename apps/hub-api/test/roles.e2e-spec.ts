import { ModulesContainer } from '@nestjs/core';
import { HubRole } from '../src/common/auth/principal';
import { PUBLIC_KEY, ROLES_KEY } from '../src/common/auth/roles.decorator';
import { admitTestMember, servicesCells, sign_, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

type Caller = HubRole | 'anonymous' | 'node';
const ALL: Caller[] = ['anonymous', 'association_admin', 'member', 'node', 'researcher', 'ombudsman'];
const SIGNED_IN: Caller[] = ['association_admin', 'member', 'node', 'researcher', 'ombudsman'];

describe('hub: role x operation matrix', () => {
  let hub: HubTestApp;
  let own: TestNode;
  let other: TestNode;
  const tokens = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    hub = await startHubTestApp();
    own = await admitTestMember(hub);
    other = await admitTestMember(hub);
    tokens.set('anonymous', undefined);
    for (const r of ['association_admin', 'researcher', 'ombudsman'] as const) tokens.set(r, await hub.signIn(r));
    tokens.set('member', await hub.signIn('member', own.memberId));
    tokens.set('node', own.token);
  }, 120_000);
  afterAll(() => hub.close());

  it('every query and mutation declares @Roles or @Public (read from Nest metadata)', () => {
    const undeclared: string[] = [];
    let counted = 0;
    for (const mod of hub.app.get(ModulesContainer).values()) {
      for (const wrapper of [...mod.providers.values(), ...mod.controllers.values()]) {
        const cls = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
        if (!cls || typeof cls !== 'function' || !cls.prototype) continue;
        const isResolver = Reflect.getMetadata('graphql:resolver_type', cls) !== undefined || Reflect.hasMetadata('graphql:resolver_name', cls);
        const isController = Reflect.getMetadata('path', cls) !== undefined && Reflect.hasMetadata('__controller__', cls);
        if (!isResolver && !isController) continue;
        for (const name of Object.getOwnPropertyNames(cls.prototype)) {
          const fn = (cls.prototype as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof fn !== 'function') continue;
          const isOp = Reflect.getMetadata('graphql:resolver_type', fn) !== undefined || Reflect.getMetadata('method', fn) !== undefined;
          if (!isOp) continue;
          counted++;
          const declared = [fn, cls].some((t) => Reflect.getMetadata(ROLES_KEY, t) !== undefined || Reflect.getMetadata(PUBLIC_KEY, t) === true);
          if (!declared) undeclared.push(`${cls.name}.${name}`);
        }
      }
    }
    expect(counted).toBeGreaterThan(20);
    expect(undeclared).toEqual([]);
  });

  const ops: { name: string; allowed: Caller[]; query: () => string; vars?: () => Record<string, unknown> }[] = [
    { name: 'me (users only)', allowed: ['association_admin', 'member', 'researcher', 'ombudsman'], query: () => '{ me { id } }' },
    { name: 'createAccount', allowed: ['association_admin'], query: () => `mutation { createAccount(input: {email: "n${Date.now()}${Math.random()}@x.test", displayName: "N", password: "long enough password", role: researcher}) { id } }` },
    { name: 'standard', allowed: ALL, query: () => '{ standard { version datasets { id } } }' },
    { name: 'standardVersions', allowed: ALL, query: () => '{ standardVersions { version } }' },
    { name: 'publishStandard', allowed: ['association_admin'], query: () => 'mutation($d: JSON!) { publishStandard(document: $d) { version } }', vars: () => ({ d: { version: 'bad' } }) },
    { name: 'members', allowed: ['association_admin'], query: () => '{ members { id } }' },
    { name: 'member (own)', allowed: ['association_admin', 'member', 'node'], query: () => `{ member(id: "${own.memberId}") { id } }` },
    { name: 'member (other)', allowed: ['association_admin'], query: () => `{ member(id: "${other.memberId}") { id } }` },
    { name: 'memberKeys (other)', allowed: ['association_admin'], query: () => `{ memberKeys(memberId: "${other.memberId}") { keyId } }` },
    { name: 'applyForMembership', allowed: ALL, query: () => `mutation { applyForMembership(input: {name: "Applicant ${Date.now()}${Math.random()}", centreType: "shelter", region: "TJ-SU", contactEmail: "a@x.test"}) { status } }` },
    { name: 'admitMember', allowed: ['association_admin'], query: () => `mutation { admitMember(input: {memberId: "${other.memberId}", publicKey: "AAAA"}) { key { keyId } } }` },
    { name: 'refuseMember', allowed: ['association_admin'], query: () => `mutation { refuseMember(memberId: "${other.memberId}") { status } }` },
    { name: 'suspendMember', allowed: ['association_admin'], query: () => `mutation { suspendMember(memberId: "00000000-0000-4000-8000-000000000000") { status } }` },
    { name: 'reinstateMember', allowed: ['association_admin'], query: () => `mutation { reinstateMember(memberId: "00000000-0000-4000-8000-000000000000") { status } }` },
    { name: 'rotateNodeCredentials (other)', allowed: ['association_admin'], query: () => `mutation { rotateNodeCredentials(memberId: "${other.memberId}") { clientId } }` },
    { name: 'registerNodeKey (other)', allowed: ['association_admin'], query: () => `mutation { registerNodeKey(input: {memberId: "${other.memberId}", publicKey: "AAAA"}) { keyId } }` },
    { name: 'nodeToken', allowed: ALL, query: () => `mutation { nodeToken(input: {clientId: "${own.clientId}", clientSecret: "${own.clientSecret}"}) { accessToken } }` },
    { name: 'submitRelease', allowed: ['member', 'node'], query: () => 'mutation($s: JSON!) { submitRelease(submission: $s, dryRun: true) { status } }', vars: () => ({ s: sign_(own, { cells: servicesCells(() => 5) }) }) },
    { name: 'submissionHistory', allowed: ['association_admin', 'member', 'node'], query: () => '{ submissionHistory { id } }' },
    { name: 'statistics (public dataset)', allowed: ALL, query: () => '{ statistics(query: {datasetId: "services_monthly", from: "2025-01", to: "2025-02"}) { audience } }' },
    { name: 'statistics (non-public dataset)', allowed: SIGNED_IN, query: () => '{ statistics(query: {datasetId: "clients_quarterly", from: "2025-Q1", to: "2025-Q2"}) { audience } }' },
    { name: 'timeSeries', allowed: ALL, query: () => '{ timeSeries(query: {datasetId: "services_monthly", from: "2025-01", to: "2025-02"}) { period } }' },
    { name: 'auditLog', allowed: ['association_admin'], query: () => '{ auditLog { total items { action } } }' },
    { name: 'completeness', allowed: ['association_admin', 'member', 'node'], query: () => '{ completeness(query: {datasetId: "services_monthly", from: "2025-01", to: "2025-02"}) { status } }' },
  ];

  it.each(ops.map((o) => [o.name, o] as const))('%s: allowed exactly for its roles', async (_n, op) => {
    for (const caller of ALL) {
      const res = await hub.gql(op.query(), op.vars?.() ?? {}, tokens.get(caller));
      const code = res.errors?.[0]?.extensions?.code;
      if (op.allowed.includes(caller)) {
        expect({ caller, code: code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? code : 'ok' }).toEqual({ caller, code: 'ok' });
      } else {
        expect({ caller, code }).toEqual({ caller, code: caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      }
    }
  });

  it('a member never reads another member: history and statistics are its own only', async () => {
    await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(other, { cells: servicesCells(() => 6) }) }, other.token);
    const hist = await hub.gql(`{ submissionHistory(memberId: "${other.memberId}") { memberId } }`, {}, tokens.get('member'));
    expect(hist.data?.submissionHistory).toEqual([]);
    const stats = await hub.gql('{ statistics(query: {datasetId: "services_monthly", from: "2025-03", to: "2025-03"}) { audience cells { memberId value } } }', {}, tokens.get('member'));
    expect(stats.data?.statistics.audience).toBe('member');
    expect(new Set(stats.data?.statistics.cells.map((c: { memberId: string }) => c.memberId))).toEqual(new Set([own.memberId]));
    const byMember = await hub.gql('{ statistics(query: {datasetId: "services_monthly", from: "2025-03", to: "2025-03", byMember: true}) { audience } }', {}, tokens.get('member'));
    expect(byMember.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const comp = await hub.gql('{ completeness(query: {datasetId: "services_monthly", from: "2025-03", to: "2025-03"}) { memberId } }', {}, tokens.get('member'));
    expect(comp.data?.completeness.map((c: { memberId: string }) => c.memberId)).toEqual([own.memberId]);
  });

  it('introspection only for signed-in callers; deep queries refused', async () => {
    const anon = await hub.gql('{ __schema { queryType { name } } }');
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const signed = await hub.gql('{ __schema { queryType { name } } }', {}, tokens.get('researcher'));
    expect(signed.data?.__schema.queryType.name).toBe('Query');
    const deep = await hub.gql('{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }', {}, tokens.get('researcher'));
    expect(deep.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});
