import { syntheticCases } from './factories/case.factory';
import { NodeTestApp, startNodeTestApp } from './utils/node-test-app';

jest.setTimeout(60_000);

const LOG = 'query($f: AccessLogFilter) { accessLog(filter: $f) { total items { action objectType objectId actorId actorRole at } } }';

/** The centre admin reading the access log: who read which case, when; failed and denied reads too. */
describe('member node, operator: the access log', () => {
  let node: NodeTestApp;
  let caseworker: string;
  let admin: string;
  let clientId: string;
  let consultationId: string;
  const [c] = syntheticCases(1, 'operator-access-log');

  beforeAll(async () => {
    node = await startNodeTestApp();
    [caseworker, admin] = await Promise.all([node.signIn('caseworker'), node.signIn('centre_admin')]);
    const created = await node.gql('mutation($i: CreateClientInput!) { createClient(input: $i) { id } }', { i: c.client }, caseworker);
    expect(created.errors).toBeUndefined();
    clientId = created.data?.createClient.id as string;
    const consultation = await node.gql(
      'mutation($i: RecordConsultationInput!) { recordConsultation(input: $i) { id } }',
      { i: { consultationCode: 'OPS-LOG-1', date: '2026-01-05', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true, consentReporting: true, notes: 'Synthetic caller note' } },
      caseworker,
    );
    expect(consultation.errors).toBeUndefined();
    consultationId = consultation.data?.recordConsultation?.id as string;
  });
  afterAll(() => node.close());

  it('filters by time: entries from and up to a moment', async () => {
    await node.gql('query($id: ID!) { client(id: $id) { id } }', { id: clientId }, caseworker);
    const all = await node.gql(LOG, { f: { objectId: clientId } }, admin);
    expect(all.errors).toBeUndefined();
    expect(all.data?.accessLog.total).toBe(2);
    const [read, created] = all.data?.accessLog.items as { at: string; action: string }[];
    expect([read.action, created.action]).toEqual(['case.read', 'case.create']);
    const later = await node.gql(LOG, { f: { objectId: clientId, from: read.at } }, admin);
    expect(later.errors).toBeUndefined();
    expect(later.data?.accessLog.items.map((i: { action: string }) => i.action)).toEqual(['case.read']);
    const earlier = await node.gql(LOG, { f: { objectId: clientId, to: created.at } }, admin);
    expect(earlier.data?.accessLog.items.map((i: { action: string }) => i.action)).toEqual(['case.create']);
    const backwards = await node.gql(LOG, { f: { from: read.at, to: created.at } }, admin);
    if (read.at !== created.at) expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters hotline consultations like any other case', async () => {
    expect(consultationId).toEqual(expect.any(String));
    await node.gql('query($id: ID!) { consultation(id: $id) { id } }', { id: consultationId }, caseworker);
    const log = await node.gql(LOG, { f: { objectType: 'consultation' } }, admin);
    expect(log.errors).toBeUndefined();
    expect(log.data?.accessLog.items.map((i: { action: string }) => i.action)).toEqual(['case.read', 'case.create']);
  });

  it('logs a read of a case that is not there, and a read the role may not make', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    expect((await node.gql('query($id: ID!) { client(id: $id) { id } }', { id: missing }, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const failed = await node.gql(LOG, { f: { objectId: missing } }, admin);
    expect(failed.data?.accessLog.items).toEqual([expect.objectContaining({ action: 'case.read_failed', objectType: 'client', actorRole: 'caseworker' })]);
    // a code that names no case is not written down (someone may have typed a name into it)
    expect((await node.gql('{ clientByCode(clientCode: "Synthetic Name") { id } }', {}, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const byCode = await node.gql(LOG, { f: { action: 'case.read_failed', objectType: 'client' } }, admin);
    expect(byCode.data?.accessLog.total).toBe(2);
    expect(JSON.stringify(await node.dataSource.query('SELECT * FROM access_log'))).not.toContain('Synthetic Name');

    // the centre admin may not read cases: the attempt is refused and written down
    expect((await node.gql('query($id: ID!) { client(id: $id) { id } }', { id: clientId }, admin)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const denied = await node.gql(LOG, { f: { action: 'access.denied' } }, admin);
    expect(denied.data?.accessLog.items).toEqual([expect.objectContaining({ action: 'access.denied', objectType: 'operation', objectId: 'client', actorRole: 'centre_admin' })]);
  });

  it('is the centre admin’s alone, paginated and capped', async () => {
    expect((await node.gql(LOG, {}, caseworker)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(LOG, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql(LOG, { f: { first: 201 } }, admin)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const page = await node.gql(LOG, { f: { first: 2, offset: 1 } }, admin);
    expect(page.data?.accessLog.items).toHaveLength(2);
  });
});
