import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { KeyRing } from '../src/crypto/key-ring';
import { legacySeal } from './utils/legacy-seal';
import { generateHotlineConsultations, iterateRegister } from '@paivand/synthetic';
import { currentStandard, DatasetDecl, latestRecordDate, STANDARD } from '@paivand/schema';
import { ReleaseProjection } from '../src/releases/release-projection';
import { ReleaseEntity } from '../src/releases/release.entity';
import { ReleasesService } from '../src/releases/releases.service';
import { AAD, ENCRYPTED_COLUMNS } from '../src/crypto/encrypted-columns';
import { rotateKeys, RotationIncompleteError } from '../src/crypto/rotate-keys';
import { fillSyntheticConsultations, fillSyntheticRegister } from '../src/releases/synthetic-register';
import { syntheticCases } from './factories/case.factory';
import { JwtService } from '@nestjs/jwt';
import { JWT_ISSUER } from '../src/common/auth/jwt.strategy';
import { ClientCodesUpper1764400000000 } from '../src/database/migrations/1764400000000-client-codes-upper';
import { newKey, NodeTestApp, startNodeTestApp, TEST_CENTRE, TEST_JWT_SECRET } from './utils/node-test-app';
import { waitForLockWaits } from '../../../test/harness/lock-waits';

const CLIENT_FIELDS = 'id clientCode sex birthYear district maritalStatus migrationStatus hasDisability registeredOn fullName phone address dateOfBirth notes';
const CREATE_CLIENT = `mutation($i: CreateClientInput!) { createClient(input: $i) { ${CLIENT_FIELDS} } }`;
const RECORD_INCIDENT = 'mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id incidentCode violenceType violenceTypes consent { services reporting } reportedByOtherMember narrative } }';

const validClient = (code: string): Record<string, unknown> => ({
  clientCode: code,
  sex: 'F',
  birthYear: 1990,
  district: 'TJ-DU-SIN',
  maritalStatus: 'nikoh',
  migrationStatus: 'family_left_behind',
  hasDisability: false,
  registeredOn: '2026-03-02',
  fullName: 'Zarina Testova',
  phone: '+992 93 555 0101',
  address: 'Rudaki street 12, apt 4',
  dateOfBirth: '1990-05-17',
  notes: 'Came with her two children',
});

/** A date `days` after today (UTC), YYYY-MM-DD. */
const daysFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

jest.setTimeout(60_000);

describe('member node: case register, roles, validation, encryption, access log', () => {
  const k1 = newKey();
  /** The key the first rotation moves to. */
  const k2 = newKey();
  let node: NodeTestApp;
  let caseworker: string;
  let manager: string;
  let admin: string;
  const cases = syntheticCases(3);

  beforeAll(async () => {
    node = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: `k1:${k1}` });
    [caseworker, manager, admin] = await Promise.all([node.signIn('caseworker'), node.signIn('manager'), node.signIn('centre_admin')]);
  });
  afterAll(() => node.close());

  it('counts an incident in her age band at its date from her date of birth: 17 until her birthday, not 18 by the year difference; a corrected date moves it', async () => {
    const created = await node.gql(CREATE_CLIENT, { i: { ...validClient('BAND-17'), birthYear: 2008, dateOfBirth: '2008-09-10' } }, caseworker);
    expect(created.errors).toBeUndefined();
    const incident = {
      clientCode: 'BAND-17', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true },
    };
    const id = (await node.gql(RECORD_INCIDENT, { i: incident }, caseworker)).data?.recordIncident.id as string;
    const band = async (): Promise<string | null> => (await node.dataSource.query('SELECT age_band FROM incidents WHERE id = $1', [id]))[0].age_band;
    expect(await band()).toBe('Y12T17');
    // what the release counts her in
    const monthly = STANDARD.datasets.find((d) => d.id === 'incidents_monthly') as DatasetDecl;
    const extracted = await node.dataSource.transaction((tx) => node.app.get(ReleaseProjection).extract(tx, TEST_CENTRE, 'incident', [monthly], '2026-03'));
    const bands = extracted.rows.filter((r) => r.attributes.age_band === 'Y12T17' || r.attributes.age_band === 'Y18T24');
    expect(bands.some((r) => r.attributes.age_band === 'Y12T17')).toBe(true);
    // corrected to a date after her 18th birthday: the band follows
    const moved = await node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }', { i: { id, incidentDate: '2026-09-10', reportedDate: '2026-09-11' } }, caseworker);
    expect(moved.errors).toBeUndefined();
    expect(await band()).toBe('Y18T24');
  });

  it('reports health and tells UNAUTHENTICATED from FORBIDDEN', async () => {
    const res = await request(node.app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
    expect((await node.gql('{ clients { total } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql('{ clients { total } }', {}, 'not-a-jwt')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql('{ clients { total } }', {}, admin)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers introspection only to a token of this centre, and refuses a query too deep or too wide before running it', async () => {
    const schema = '{ __schema { queryType { name } } }';
    expect((await node.gql(schema)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql('{ __type(name: "Client") { fields { name } } }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const { sub, role, pv } = new JwtService().decode<{ sub: string; role: string; pv: number }>(caseworker);
    const otherCentre = new JwtService().sign({ sub, role, cid: 'OTHER', pv }, { secret: TEST_JWT_SECRET, issuer: JWT_ISSUER, audience: 'OTHER', expiresIn: 300 });
    expect((await node.gql(schema, {}, otherCentre)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql(schema, {}, caseworker)).data?.__schema.queryType.name).toBe('Query');
    const deep = await node.gql('{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }', {}, caseworker);
    expect(deep.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const wide = await node.gql(`{ ${Array.from({ length: 301 }, (_, i) => `a${i}: me { role }`).join(' ')} }`, {}, caseworker);
    expect(wide.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(wide.data ?? null).toBeNull();
  });

  it('answers a body that is not JSON with a coded 400 carrying the request id, quoting nothing of the body', async () => {
    const server = node.app.getHttpServer();
    const res = await request(server).post('/graphql').set('content-type', 'application/json').send('{"query": Malika Rahimova');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'MALFORMED_JSON' }, requestId: expect.any(String) });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    expect(JSON.stringify(res.body)).not.toContain('Malika');
    const traced = await request(server).post('/graphql').set('x-request-id', 'trace-7').set('content-type', 'application/json').send('{');
    expect(traced.body.requestId).toBe('trace-7');
    // an id that is no plain token is replaced, not echoed
    const odd = await request(server).post('/graphql').set('x-request-id', 'a b<c>').set('content-type', 'application/json').send('{');
    expect(odd.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the codelists the register accepts, with tg/ru/en labels: every code it lists is taken by createClient', async () => {
    const all = await node.gql('{ standard { registerVersion releaseVersion codelists { id name { tg ru en } parentCodelist codes { code parent labels { tg ru en } } } } }', {}, caseworker);
    type Listed = { id: string; parentCodelist: string | null; codes: { code: string; labels: { tg: string; ru: string; en: string } }[] };
    const std = all.data?.standard as { registerVersion: string; releaseVersion: string; codelists: Listed[] };
    expect(std.registerVersion).toBe(currentStandard().version);
    expect(std.releaseVersion).toBe(currentStandard().version); // nothing pulled from a hub here
    const byId = new Map(std.codelists.map((l) => [l.id, l]));
    const list = (id: string): Listed => byId.get(id) as Listed;
    expect([...byId.keys()].sort()).toEqual(currentStandard().standard.codelists.map((l) => l.id).sort());
    for (const l of std.codelists) {
      for (const c of l.codes) expect({ list: l.id, code: c.code, labels: [c.labels.tg, c.labels.ru, c.labels.en].every((x) => x.length > 0) }).toEqual({ list: l.id, code: c.code, labels: true });
    }
    expect(list('violence_type').codes.find((c) => c.code === 'physical_assault')?.labels).toEqual(currentStandard().codelist('violence_type')?.codes.find((c) => c.code === 'physical_assault')?.labels);
    // a district names its region
    expect(list('district').parentCodelist).toBe('region');
    // a form built from the list: the last code of each codelist the client record uses is accepted
    const last = (id: string): string => list(id).codes[list(id).codes.length - 1].code;
    const made = await node.gql(CREATE_CLIENT, { i: { ...validClient('STD-0001'), sex: last('sex'), district: last('district'), maritalStatus: last('marital_status'), migrationStatus: last('migration_status') } }, caseworker);
    expect(made.errors).toBeUndefined();
    expect(made.data?.createClient).toMatchObject({ sex: last('sex'), district: last('district') });

    const two = await node.gql('{ standard(codelists: ["violence_type", "district"]) { codelists { id } } }', {}, manager);
    expect((two.data?.standard.codelists as { id: string }[]).map((l) => l.id).sort()).toEqual(['district', 'violence_type']);
    const bad = await node.gql('{ standard(codelists: ["violence_type", "Zarina Testova"]) { registerVersion } }', {}, admin);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'codelists', code: 'UNKNOWN_CODELIST' }] } });
    expect(JSON.stringify(bad)).not.toContain('Zarina');
  });

  it('enforces the role x operation matrix', async () => {
    const seed = await node.gql(CREATE_CLIENT, { i: validClient('MX-0001') }, caseworker);
    const clientId = seed.data?.createClient.id as string;
    const incident = await node.gql(RECORD_INCIDENT, { i: { ...cases[0].incident, clientCode: 'MX-0001', incidentCode: 'MX-INC-1' } }, caseworker);
    const incidentId = incident.data?.recordIncident.id as string;
    const spareClientId = (await node.gql(CREATE_CLIENT, { i: validClient('MX-SPARE') }, caseworker)).data?.createClient.id as string;
    const doomed = await node.gql(RECORD_INCIDENT, { i: { ...cases[0].incident, clientCode: 'MX-0001', incidentCode: 'MX-INC-DEL', incidentDate: '2024-01-02', violenceTypes: ['forced_marriage'] } }, caseworker);
    const doomedId = doomed.data?.recordIncident.id as string;
    const serviceId = (await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId, date: '2026-03-04', serviceType: 'case_management', outcome: 'ongoing' } }, caseworker)).data?.recordService.id as string;
    const referralId = (await node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId, date: '2026-03-04', direction: 'incoming', source: 'self', accepted: false } }, caseworker)).data?.recordReferral.id as string;
    const doomedServiceId = (await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId, date: '2026-03-04', serviceType: 'case_management', outcome: 'ongoing' } }, caseworker)).data?.recordService.id as string;
    const doomedReferralId = (await node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId, date: '2026-03-04', direction: 'incoming', source: 'self', accepted: false } }, caseworker)).data
      ?.recordReferral.id as string;
    const staff = await node.gql('mutation { createStaffAccount(input: {username: "matrix.target", displayName: "M", password: "long enough password", role: caseworker}) { id } }', {}, admin);
    const staffId = staff.data?.createStaffAccount.id as string;
    // a leaver, for the reactivation (an active account is not reactivated)
    const leaver = await node.gql('mutation { createStaffAccount(input: {username: "matrix.leaver", displayName: "L", password: "long enough password", role: caseworker}) { id } }', {}, admin);
    const leaverId = leaver.data?.createStaffAccount.id as string;
    await node.gql('mutation($id: ID!) { deactivateStaffAccount(accountId: $id) { active } }', { id: leaverId }, admin);
    let n = 0;
    const ops: { name: string; allowed: string[]; run: (t: string) => Promise<{ errors?: { extensions?: { code?: string } }[] }> }[] = [
      { name: 'clients', allowed: ['caseworker', 'manager'], run: (t) => node.gql('{ clients { total } }', {}, t) },
      { name: 'client', allowed: ['caseworker', 'manager'], run: (t) => node.gql('query($id: ID!) { client(id: $id) { id } }', { id: clientId }, t) },
      { name: 'clientByCode', allowed: ['caseworker', 'manager'], run: (t) => node.gql('{ clientByCode(clientCode: "MX-0001") { id } }', {}, t) },
      { name: 'incident', allowed: ['caseworker', 'manager'], run: (t) => node.gql('query($id: ID!) { incident(id: $id) { id } }', { id: incidentId }, t) },
      { name: 'createClient', allowed: ['caseworker', 'manager'], run: (t) => node.gql(CREATE_CLIENT, { i: validClient(`MX-1${++n}`) }, t) },
      {
        name: 'recordService',
        allowed: ['caseworker', 'manager'],
        run: (t) => node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId, date: '2026-03-03', serviceType: 'legal_counselling', outcome: 'provided' } }, t),
      },
      {
        name: 'recordReferral',
        allowed: ['caseworker', 'manager'],
        run: (t) =>
          node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId, date: '2026-03-04', direction: 'incoming', source: 'self', accepted: true } }, t),
      },
      {
        name: 'updateClient',
        allowed: ['caseworker', 'manager'],
        run: (t) => node.gql('mutation($i: UpdateClientInput!) { updateClient(input: $i) { id } }', { i: { id: clientId, hasDisability: n++ % 2 === 0 } }, t),
      },
      {
        name: 'updateConsent',
        allowed: ['caseworker', 'manager'],
        run: (t) => node.gql('mutation($i: UpdateConsentInput!) { updateConsent(input: $i) { id } }', { i: { incidentId, consent: { services: true, reporting: true } } }, t),
      },
      { name: 'createImport', allowed: ['caseworker', 'manager'], run: (t) => node.gql('mutation { createImport(input: {fileName: "a.csv", format: csv}) { id } }', {}, t) },
      { name: 'importJobs', allowed: ['caseworker', 'manager'], run: (t) => node.gql('{ importJobs { id } }', {}, t) },
      { name: 'accessLog', allowed: ['centre_admin'], run: (t) => node.gql('{ accessLog { total } }', {}, t) },
      { name: 'staffAccounts', allowed: ['centre_admin'], run: (t) => node.gql('{ staffAccounts { id } }', {}, t) },
      {
        name: 'createStaffAccount',
        allowed: ['centre_admin'],
        run: (t) => node.gql(`mutation { createStaffAccount(input: {username: "new.${++n}", displayName: "N", password: "long enough password", role: caseworker}) { id } }`, {}, t),
      },
      {
        name: 'changeStaffRole',
        allowed: ['centre_admin'],
        run: (t) => node.gql('mutation($i: ChangeStaffRoleInput!) { changeStaffRole(input: $i) { id } }', { i: { accountId: staffId, role: 'manager' } }, t),
      },
      {
        name: 'reactivateStaffAccount',
        allowed: ['centre_admin'],
        run: (t) => node.gql('mutation($i: ReactivateStaffInput!) { reactivateStaffAccount(input: $i) { id } }', { i: { accountId: leaverId, newPassword: `a new password ${++n}` } }, t),
      },
      { name: 'deleteClient', allowed: ['manager'], run: (t) => node.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: spareClientId }, t) },
      { name: 'deleteIncident', allowed: ['manager'], run: (t) => node.gql('mutation($id: ID!) { deleteIncident(id: $id) { id } }', { id: doomedId }, t) },
      { name: 'deleteService', allowed: ['manager'], run: (t) => node.gql('mutation($id: ID!) { deleteService(id: $id) }', { id: doomedServiceId }, t) },
      { name: 'deleteReferral', allowed: ['manager'], run: (t) => node.gql('mutation($id: ID!) { deleteReferral(id: $id) }', { id: doomedReferralId }, t) },
      { name: 'incidents', allowed: ['caseworker', 'manager'], run: (t) => node.gql('{ incidents { total } }', {}, t) },
      { name: 'updateService', allowed: ['caseworker', 'manager'], run: (t) => node.gql('mutation($i: UpdateServiceInput!) { updateService(input: $i) { id } }', { i: { id: serviceId, outcome: 'provided' } }, t) },
      { name: 'updateReferral', allowed: ['caseworker', 'manager'], run: (t) => node.gql('mutation($i: UpdateReferralInput!) { updateReferral(input: $i) { id } }', { i: { id: referralId, accepted: true } }, t) },
      { name: 'updateIncident', allowed: ['caseworker', 'manager'], run: (t) => node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }', { i: { id: incidentId, perpetratorRelationship: 'mother_in_law' } }, t) },
      { name: 'me', allowed: ['caseworker', 'manager', 'centre_admin'], run: (t) => node.gql('{ me { role } }', {}, t) },
      { name: 'standard', allowed: ['caseworker', 'manager', 'centre_admin'], run: (t) => node.gql('{ standard { registerVersion } }', {}, t) },
    ];
    const tokens: Record<string, string> = { caseworker, manager, centre_admin: admin };
    const seen: string[] = [];
    for (const op of ops) {
      expect((await op.run('')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      for (const [role, token] of Object.entries(tokens)) {
        const res = await op.run(token);
        const outcome = res.errors ? res.errors[0].extensions?.code : 'OK';
        seen.push(`${op.name}/${role}:${outcome}`);
        expect(`${op.name}/${role}:${outcome}`).toBe(`${op.name}/${role}:${op.allowed.includes(role) ? 'OK' : 'FORBIDDEN'}`);
      }
    }
    // Export is REST: managers only.
    for (const [role, token] of Object.entries(tokens)) {
      const res = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${token}`).send({ format: 'csv', password: 'export password 1' });
      expect(`export/${role}:${res.status}`).toBe(`export/${role}:${role === 'manager' ? 200 : 403}`);
    }
    expect(seen.length).toBe(ops.length * 3);
  });

  it('opens no case to a token of another centre, an expired, or a forged one; logs every read of a client or an incident by id', async () => {
    const { sub, role, pv } = new JwtService().decode<{ sub: string; role: string; pv: number }>(caseworker);
    const mint = (claims: Record<string, unknown>, opts: { audience?: string; expiresIn?: number; secret?: string } = {}): string =>
      new JwtService().sign(
        { sub, role, cid: TEST_CENTRE, pv, ...claims },
        { secret: opts.secret ?? TEST_JWT_SECRET, issuer: JWT_ISSUER, audience: opts.audience ?? TEST_CENTRE, expiresIn: opts.expiresIn ?? 300 },
      );
    const code = async (token: string): Promise<string> => {
      const r = await node.gql('{ clients { total } }', {}, token);
      return r.errors?.[0].extensions?.code ?? 'OK';
    };
    // the same claims, well minted, open the register: each refusal below is for its one difference
    expect(await code(mint({}))).toBe('OK');
    expect(await code(mint({ cid: 'OTHER' }, { audience: 'OTHER' }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({ cid: 'OTHER' }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({}, { audience: 'OTHER' }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({}, { expiresIn: -10 }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({}, { secret: 'another-secret-another-secret-another-0123' }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({ role: 'superuser' }))).toBe('UNAUTHENTICATED');
    // a token of an earlier password, or of none
    expect(await code(mint({ pv: pv - 1 }))).toBe('UNAUTHENTICATED');
    expect(await code(mint({ pv: undefined }))).toBe('UNAUTHENTICATED');

    const [{ id: clientId }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM clients WHERE client_code = 'MX-0001'`);
    const [{ id: incidentId }]: { id: string }[] = await node.dataSource.query('SELECT id FROM incidents WHERE client_id = $1 LIMIT 1', [clientId]);
    const reads = async (type: string, id: string): Promise<number> =>
      (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.read' AND object_type = $1 AND object_id = $2`, [type, id]))[0].n as number;
    const [c0, i0] = [await reads('client', clientId), await reads('incident', incidentId)];
    // an id that is no UUID: the same coded details as any invalid field, and no read logged
    for (const [q, field] of [['query { client(id: "MX-0001") { id } }', 'id'], ['query { incident(id: "x") { id } }', 'id']]) {
      expect((await node.gql(q, {}, caseworker)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field, code: 'INVALID_FORMAT' }] } });
    }
    const byId = await node.gql('query($id: ID!) { client(id: $id) { clientCode } }', { id: clientId }, caseworker);
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.client.clientCode).toBe('MX-0001');
    expect((await node.gql('query($id: ID!) { incident(id: $id) { id } }', { id: incidentId }, manager)).data?.incident.id).toBe(incidentId);
    // the client's whole case holds the incident: read with it, then by itself
    expect([await reads('client', clientId), await reads('incident', incidentId)]).toEqual([c0 + 1, i0 + 2]);
    // a change answers with the whole case too: its incidents were read (an update that changes nothing is a read)
    const updated = await node.gql('mutation($i: UpdateClientInput!) { updateClient(input: $i) { incidents { id narrative } } }', { i: { id: clientId } }, caseworker);
    expect(updated.data?.updateClient.incidents.map((i: { id: string }) => i.id)).toContain(incidentId);
    expect(await reads('incident', incidentId)).toBe(i0 + 3);
  });

  it('refuses every invalid client field with a coded error naming it, and writes nothing', async () => {
    const bad: [string, unknown, string][] = [
      ['clientCode', 'has spaces!', 'INVALID_FORMAT'],
      ['sex', 'female', 'UNKNOWN_CODE'],
      ['birthYear', 1800, 'OUT_OF_RANGE'],
      ['district', 'TJ-XX-NOPE', 'UNKNOWN_CODE'],
      ['maritalStatus', 'complicated', 'UNKNOWN_CODE'],
      ['migrationStatus', 'abroad', 'UNKNOWN_CODE'],
      ['registeredOn', '2026-02-30', 'INVALID_DATE'],
      ['fullName', 'x'.repeat(201), 'OUT_OF_RANGE'],
      ['phone', 'call me maybe', 'INVALID_FORMAT'],
      ['address', 'y'.repeat(501), 'OUT_OF_RANGE'],
      ['dateOfBirth', '17.05.1990', 'INVALID_DATE'],
      ['notes', 'z'.repeat(10_001), 'OUT_OF_RANGE'],
      // plausibility: nothing in the future (a day's grace for the time zone), a birth date in the birth year
      ['birthYear', Number(latestRecordDate().slice(0, 4)) + 1, 'DATE_IN_FUTURE'],
      ['registeredOn', daysFromNow(2), 'DATE_IN_FUTURE'],
      ['dateOfBirth', '1991-05-17', 'INCONSISTENT'],
    ];
    for (const [field, value, code] of bad) {
      const res = await node.gql(CREATE_CLIENT, { i: { ...validClient(`VAL-${field}`), [field]: value } }, caseworker);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const fields = res.errors?.[0].extensions?.details.fields as { field: string; code: string }[];
      expect(fields.map((f) => `${f.field}:${f.code}`)).toEqual([`${field}:${code}`]);
      expect(JSON.stringify(res.errors)).not.toContain(String(value).slice(0, 12));
    }
    const { count } = (await node.dataSource.query(`SELECT count(*)::int AS count FROM clients WHERE client_code LIKE 'VAL-%'`))[0];
    expect(count).toBe(0);
  });

  it('refuses every invalid incident field with a coded error, and writes nothing', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('INC-VAL') }, caseworker);
    const good = { clientCode: 'INC-VAL', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } };
    const bad: [Record<string, unknown>, string][] = [
      [{ incidentDate: '2026-13-01' }, 'incidentDate:INVALID_DATE'],
      [{ reportedDate: '2026-02-01' }, 'reportedDate:DATE_ORDER'],
      [{ district: 'nowhere' }, 'district:UNKNOWN_CODE'],
      [{ violenceTypes: [] }, 'violenceTypes:OUT_OF_RANGE'],
      [{ violenceTypes: ['slap'] }, 'violenceTypes:UNKNOWN_CODE'],
      [{ violenceTypes: ['rape', 'rape'] }, 'violenceTypes:DUPLICATE'],
      [{ perpetratorRelationship: 'boss' }, 'perpetratorRelationship:UNKNOWN_CODE'],
      [{ consent: { services: true, reporting: true, givenOn: 'yesterday' } }, 'consent.givenOn:INVALID_DATE'],
      [{ narrative: 'n'.repeat(20_001) }, 'narrative:OUT_OF_RANGE'],
      [{ incidentCode: 'bad code' }, 'incidentCode:INVALID_FORMAT'],
      [{ incidentDate: daysFromNow(2), reportedDate: daysFromNow(2) }, 'incidentDate:DATE_IN_FUTURE,reportedDate:DATE_IN_FUTURE'],
      [{ reportedDate: '2099-01-01' }, 'reportedDate:DATE_IN_FUTURE'],
      [{ consent: { services: true, reporting: true, givenOn: daysFromNow(3) } }, 'consent.givenOn:DATE_IN_FUTURE'],
    ];
    for (const [patch, expected] of bad) {
      const res = await node.gql(RECORD_INCIDENT, { i: { ...good, ...patch } }, caseworker);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((res.errors?.[0].extensions?.details.fields as { field: string; code: string }[]).map((f) => `${f.field}:${f.code}`).join(',')).toEqual(expected);
    }
    const missing = await node.gql(RECORD_INCIDENT, { i: { ...good, clientCode: 'NO-SUCH' } }, caseworker);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const { count } = (await node.dataSource.query(`SELECT count(*)::int AS count FROM incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code = 'INC-VAL'`))[0];
    expect(count).toBe(0);
  });

  it('refuses every invalid service and referral field with a coded error and writes nothing; their notes are stored as ciphertext', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('SRV-VAL') }, caseworker);
    const inc = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'SRV-VAL', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = inc.data?.recordIncident.id as string;
    const SERVICE = 'mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }';
    const REFERRAL = 'mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }';
    const service = { incidentId, date: '2026-03-03', serviceType: 'legal_counselling', outcome: 'provided', notes: 'Synthetic service note SRV-VAL' };
    const referral = { incidentId, date: '2026-03-04', direction: 'outgoing', destination: 'legal_aid', accepted: true, notes: 'Synthetic referral note SRV-VAL' };
    const cases: [string, Record<string, unknown>, string][] = [
      [SERVICE, { ...service, date: '2026-02-30' }, 'date:INVALID_DATE'],
      // a service or referral dated before the incident happened, or in the future
      [SERVICE, { ...service, date: '2026-02-28' }, 'date:DATE_ORDER'],
      [REFERRAL, { ...referral, date: '2026-02-28' }, 'date:DATE_ORDER'],
      [SERVICE, { ...service, date: daysFromNow(2) }, 'date:DATE_IN_FUTURE'],
      // an id with a typo (it was INTERNAL_SERVER_ERROR: the database refused the uuid)
      [SERVICE, { ...service, incidentId: `${incidentId.slice(0, 35)}-` }, 'incidentId:INVALID_FORMAT'],
      [REFERRAL, { ...referral, incidentId: '-'.repeat(36) }, 'incidentId:INVALID_FORMAT'],
      [SERVICE, { ...service, serviceType: 'massage' }, 'serviceType:UNKNOWN_CODE'],
      [SERVICE, { ...service, outcome: 'maybe' }, 'outcome:UNKNOWN_CODE'],
      [SERVICE, { ...service, serviceCode: 'bad code' }, 'serviceCode:INVALID_FORMAT'],
      [SERVICE, { ...service, notes: 'n'.repeat(20_001) }, 'notes:OUT_OF_RANGE'],
      [REFERRAL, { ...referral, date: 'soon' }, 'date:INVALID_DATE'],
      [REFERRAL, { ...referral, destination: 'the moon' }, 'destination:UNKNOWN_CODE'],
      [REFERRAL, { ...referral, referralCode: 'bad code' }, 'referralCode:INVALID_FORMAT'],
    ];
    for (const [mutation, input, expected] of cases) {
      const res = await node.gql(mutation, { i: input }, caseworker);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((res.errors?.[0].extensions?.details.fields as { field: string; code: string }[]).map((f) => `${f.field}:${f.code}`)).toEqual([expected]);
    }
    const rows = async (): Promise<number[]> =>
      Promise.all(['service_deliveries', 'referrals'].map(async (t) => (await node.dataSource.query(`SELECT count(*)::int AS n FROM ${t} WHERE incident_id = $1`, [incidentId]))[0].n as number));
    expect(await rows()).toEqual([0, 0]);

    expect((await node.gql(SERVICE, { i: service }, caseworker)).errors).toBeUndefined();
    expect((await node.gql(REFERRAL, { i: referral }, caseworker)).errors).toBeUndefined();
    expect(await rows()).toEqual([1, 1]);
    for (const t of ['service_deliveries', 'referrals']) {
      const [raw] = await node.dataSource.query(`SELECT * FROM ${t} WHERE incident_id = $1`, [incidentId]);
      expect(raw.notes_enc).toMatch(/^enc2:k1:/);
      expect(JSON.stringify(raw)).not.toContain('SRV-VAL');
    }
  });

  it('classifies by the GBVIMS order, keeps consent and the other-member flag, refuses a duplicate incident', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('GBV-1') }, caseworker);
    const input = { clientCode: 'GBV-1', incidentDate: '2026-03-01', reportedDate: '2026-03-05', district: 'TJ-DU-SIN', violenceTypes: ['psychological_emotional_abuse', 'physical_assault', 'forced_marriage'], perpetratorRelationship: 'intimate_partner', consent: { services: true, reporting: false }, reportedByOtherMember: true };
    const res = await node.gql(RECORD_INCIDENT, { i: input }, caseworker);
    expect(res.data?.recordIncident).toMatchObject({ violenceType: 'physical_assault', consent: { services: true, reporting: false }, reportedByOtherMember: true });
    const again = await node.gql(RECORD_INCIDENT, { i: input }, caseworker);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'DUPLICATE_INCIDENT' } });
    // under a new incident code it is still the same incident: the error names what clashes (the input's fields), not the code
    const renamed = await node.gql(RECORD_INCIDENT, { i: { ...input, incidentCode: 'GBV-1-NEW' } }, caseworker);
    expect(renamed.errors?.[0].extensions?.details.fields.map((f: { field: string }) => f.field)).toEqual(['clientCode', 'incidentDate', 'violenceTypes']);
    // and a taken code on another incident names the code
    const taken = await node.gql(RECORD_INCIDENT, { i: { ...input, incidentDate: '2026-03-02', incidentCode: (res.data?.recordIncident as { incidentCode: string }).incidentCode } }, caseworker);
    expect(taken.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { fields: [{ field: 'incidentCode', code: 'DUPLICATE' }] } });
  });

  it('treats client codes case-insensitively: kept in capitals, found and matched whatever the case', async () => {
    const created = await node.gql(CREATE_CLIENT, { i: validClient('case-1') }, caseworker);
    expect(created.data?.createClient.clientCode).toBe('CASE-1');
    // the same code in other letters is the same client
    const again = await node.gql(CREATE_CLIENT, { i: validClient('Case-1') }, caseworker);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'CLIENT_CODE_TAKEN' } });
    expect((await node.gql('query($c: String!) { clientByCode(clientCode: $c) { clientCode } }', { c: 'cAsE-1' }, caseworker)).data?.clientByCode.clientCode).toBe('CASE-1');
    const incident = { clientCode: 'case-1', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } };
    expect((await node.gql(RECORD_INCIDENT, { i: incident }, caseworker)).errors).toBeUndefined();
    // the migration puts earlier codes in capitals, and refuses a register where two differ only in case (in a
    // transaction rolled back, without the check that now keeps codes in capitals)
    const runner = node.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('ALTER TABLE clients DROP CONSTRAINT clients_code_upper_check');
      const [{ id }] = await runner.query(`SELECT id FROM clients WHERE client_code = 'CASE-1'`);
      await runner.query(`UPDATE clients SET client_code = 'case-1' WHERE id = $1`, [id]);
      await new ClientCodesUpper1764400000000().up(runner);
      expect(await runner.query(`SELECT client_code FROM clients WHERE id = $1`, [id])).toEqual([{ client_code: 'CASE-1' }]);
      await runner.query(`INSERT INTO clients (centre_id, client_code, sex, district, marital_status, migration_status, has_disability, registered_on) SELECT centre_id, 'case-1', sex, district, marital_status, migration_status, has_disability, registered_on FROM clients WHERE id = $1`, [id]);
      await expect(new ClientCodesUpper1764400000000().up(runner)).rejects.toThrow('1 client code(s) are held by two clients that differ only in letter case');
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('edits a client (only the fields given; null clears an identifiable field) and changes consent, logging field names, never values', async () => {
    const created = await node.gql(CREATE_CLIENT, { i: validClient('EDIT-1') }, caseworker);
    const id = created.data?.createClient.id as string;
    const UPDATE = `mutation($i: UpdateClientInput!) { updateClient(input: $i) { ${CLIENT_FIELDS} } }`;
    const res = await node.gql(UPDATE, { i: { id, phone: '+992 93 555 0199', address: null, district: 'TJ-DU-FIR' } }, caseworker);
    expect(res.errors).toBeUndefined();
    expect(res.data?.updateClient).toMatchObject({ clientCode: 'EDIT-1', phone: '+992 93 555 0199', address: null, district: 'TJ-DU-FIR', fullName: 'Zarina Testova', notes: 'Came with her two children' });
    const [raw] = await node.dataSource.query('SELECT phone_enc, address_enc FROM clients WHERE id = $1', [id]);
    expect(raw.address_enc).toBeNull();
    expect(raw.phone_enc).not.toContain('555');
    // invalid values are refused with the field named, and nothing changes
    const bad = await node.gql(UPDATE, { i: { id, phone: 'call me maybe', district: 'TJ-DU-FIR' } }, caseworker);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors)).toContain('phone');
    expect(JSON.stringify(bad.errors)).not.toContain('call me maybe');
    const cleared = await node.gql(UPDATE, { i: { id, district: null } }, caseworker);
    expect(cleared.errors?.[0].extensions?.details?.fields?.[0]).toMatchObject({ field: 'district', code: 'REQUIRED' });
    const missing = await node.gql(UPDATE, { i: { id: '00000000-0000-4000-8000-000000000000', phone: '+992 93 555 0100' } }, caseworker);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const again = await node.gql(`query($id: ID!) { client(id: $id) { phone address district } }`, { id }, manager);
    expect(again.data?.client).toEqual({ phone: '+992 93 555 0199', address: null, district: 'TJ-DU-FIR' });

    const inc = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'EDIT-1', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = inc.data?.recordIncident.id as string;
    const withdrawn = await node.gql('mutation($i: UpdateConsentInput!) { updateConsent(input: $i) { consent { services reporting } } }', { i: { incidentId, consent: { services: true, reporting: false, givenOn: '2026-03-10' } } }, caseworker);
    expect(withdrawn.data?.updateConsent.consent).toEqual({ services: true, reporting: false });
    const [row] = await node.dataSource.query('SELECT consent_reporting FROM incidents WHERE id = $1', [incidentId]);
    expect(row.consent_reporting).toBe(false);

    const log = await node.dataSource.query(`SELECT action, object_type, details FROM access_log WHERE object_id IN ($1, $2) AND action = 'case.update' ORDER BY id`, [id, incidentId]);
    expect(log.map((l: { object_type: string }) => l.object_type)).toEqual(['client', 'incident']);
    expect(log[0].details).toEqual({ fields: ['district', 'phone', 'address'] });
    expect(log[1].details.consent.after).toMatchObject({ reporting: false });
    expect(JSON.stringify(log)).not.toContain('555');
  });

  it('corrects an incident: only the fields given, dates checked as they will stand, a duplicate refused, nothing half-written, logged by field name', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('FIX-1') }, caseworker);
    const record = (incidentDate: string, violenceTypes: string[]) =>
      node.gql(RECORD_INCIDENT, { i: { clientCode: 'FIX-1', incidentDate, reportedDate: '2026-03-09', district: 'TJ-DU-SIN', violenceTypes, perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true }, narrative: 'She called from a neighbour' } }, caseworker);
    const id = (await record('2026-03-01', ['physical_assault'])).data?.recordIncident.id as string;
    const otherId = (await record('2026-03-03', ['psychological_emotional_abuse'])).data?.recordIncident.id as string;
    const service = await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId: id, date: '2026-03-05', serviceType: 'case_management', outcome: 'provided' } }, caseworker);
    expect(service.errors).toBeUndefined();
    const UPDATE = 'mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id clientId incidentCode incidentDate reportedDate district violenceType violenceTypes perpetratorRelationship narrative } }';
    const row = async (incidentId: string) => (await node.dataSource.query('SELECT incident_date::text, violence_type, fingerprint, narrative_enc FROM incidents WHERE id = $1', [incidentId]))[0];
    const before = await row(id);
    // what decides whether March gets a revision: the fingerprint of incidents_monthly's counts
    const marchInput = async (): Promise<string> => {
      const monthly = currentStandard().dataset('incidents_monthly') as DatasetDecl;
      return (await node.app.get(ReleaseProjection).extract(node.dataSource.manager, TEST_CENTRE, 'incident', [monthly], '2026-03')).fingerprint;
    };
    const march = await marchInput();

    // the GBVIMS classification picks the type again; the narrative is sealed anew
    const fixed = await node.gql(UPDATE, { i: { id, violenceTypes: ['physical_assault', 'rape'], narrative: 'She called from her sister' } }, caseworker);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data?.updateIncident).toMatchObject({ incidentDate: '2026-03-01', violenceType: 'rape', violenceTypes: ['physical_assault', 'rape'], narrative: 'She called from her sister', district: 'TJ-DU-SIN' });
    const after = await row(id);
    expect(after.violence_type).toBe('rape');
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(after.narrative_enc).toMatch(/^enc2:/);
    expect(after.narrative_enc).not.toContain('sister');
    expect(await marchInput()).not.toBe(march);

    const refused = async (i: Record<string, unknown>, field: string, code: string) => {
      const res = await node.gql(UPDATE, { i: { id, ...i } }, caseworker);
      expect({ i, ext: res.errors?.[0].extensions }).toMatchObject({ i, ext: { code: 'BAD_USER_INPUT', details: { fields: [{ field, code }] } } });
      expect(await row(id)).toEqual(after);
    };
    // a service on 2026-03-05 cannot come before the incident; reported before it happened; a date in the future
    await refused({ incidentDate: '2026-03-06' }, 'incidentDate', 'DATE_ORDER');
    await refused({ reportedDate: '2026-02-20' }, 'reportedDate', 'DATE_ORDER');
    await refused({ incidentDate: daysFromNow(3) }, 'incidentDate', 'DATE_IN_FUTURE');
    await refused({ district: null }, 'district', 'REQUIRED');
    await refused({ violenceTypes: ['rape', 'flogging'] }, 'violenceTypes', 'UNKNOWN_CODE');
    // the other incident of this client, made the same incident (date and type) as this one
    const dup = await node.gql(UPDATE, { i: { id: otherId, incidentDate: '2026-03-01', violenceTypes: ['rape'] } }, caseworker);
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'DUPLICATE_INCIDENT' } });
    expect((await row(otherId)).violence_type).toBe('psychological_emotional_abuse');
    const missing = await node.gql(UPDATE, { i: { id: '00000000-0000-4000-8000-000000000000', district: 'TJ-DU-FIR' } }, caseworker);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const cleared = await node.gql(UPDATE, { i: { id, narrative: null, incidentDate: '2026-03-02' } }, manager);
    expect(cleared.data?.updateIncident).toMatchObject({ narrative: null, incidentDate: '2026-03-02' });

    // recorded against the wrong client: moved, with its service, to the right one (any case of its code)
    const fromId = cleared.data?.updateIncident.clientId as string;
    const right = (await node.gql(CREATE_CLIENT, { i: validClient('FIX-1B') }, caseworker)).data?.createClient.id as string;
    expect((await node.gql(UPDATE, { i: { id, clientCode: 'NO-SUCH-CLIENT' } }, caseworker)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', details: { fields: [{ field: 'clientCode' }] } });
    expect((await node.gql(UPDATE, { i: { id, clientCode: null } }, caseworker)).errors?.[0].extensions?.details?.fields?.[0]).toMatchObject({ field: 'clientCode', code: 'REQUIRED' });
    const moved = await node.gql(UPDATE, { i: { id, clientCode: 'fix-1b' } }, caseworker);
    expect(moved.data?.updateIncident.clientId).toBe(right);
    const movedCase = await node.gql('query($c: String!) { clientByCode(clientCode: $c) { incidents { id services { id } } } }', { c: 'FIX-1B' }, caseworker);
    expect(movedCase.data?.clientByCode.incidents).toEqual([{ id, services: [{ id: service.data?.recordService.id }] }]);
    expect((await node.gql('query($c: String!) { clientByCode(clientCode: $c) { incidents { id } } }', { c: 'FIX-1' }, caseworker)).data?.clientByCode.incidents).toEqual([{ id: otherId }]);

    const log = await node.dataSource.query(`SELECT details FROM access_log WHERE object_id = $1 AND action = 'case.update' ORDER BY id`, [id]);
    expect(log.map((l: { details: unknown }) => l.details)).toEqual([
      { service: service.data?.recordService.id },
      { fields: ['violenceTypes', 'narrative'] },
      { fields: ['incidentDate', 'narrative'] },
      { fields: ['clientCode'], movedFrom: fromId, movedTo: right },
    ]);
    // each client's history shows the move, by the client's id
    for (const [client, details] of [[fromId, { incidentMovedOut: id }], [right, { incidentMovedIn: id }]] as const) {
      const rows = await node.dataSource.query(`SELECT details FROM access_log WHERE object_type = 'client' AND object_id = $1 AND action = 'case.update'`, [client]);
      expect(rows.map((l: { details: unknown }) => l.details)).toEqual([details]);
    }
    // reading the whole case reads its incidents: each one's history shows it
    const reads = async (): Promise<number> =>
      (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE object_type = 'incident' AND object_id = $1 AND action = 'case.read'`, [id]))[0].n;
    const readsBefore = await reads();
    await node.gql('query($c: String!) { clientByCode(clientCode: $c) { id } }', { c: 'FIX-1B' }, caseworker);
    expect(await reads()).toBe(readsBefore + 1);
    expect(node.logs.join('\n')).not.toMatch(/neighbour|sister/);
  });

  it('an incident recorded without a code gets one derived from it, and a free one when a corrected incident still holds that code', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('FIX-CODE') }, caseworker);
    const input = { clientCode: 'FIX-CODE', incidentDate: '2026-02-01', reportedDate: '2026-02-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } };
    const first = (await node.gql(RECORD_INCIDENT, { i: input }, caseworker)).data?.recordIncident as { id: string; incidentCode: string };
    expect(first.incidentCode).toMatch(/^INC-[0-9A-F]{16}$/);
    // the type was wrong: corrected, the incident keeps its code
    expect((await node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { incidentCode } }', { i: { id: first.id, violenceTypes: ['rape'] } }, caseworker)).data?.updateIncident.incidentCode).toBe(first.incidentCode);
    // the first combination recorded again is another incident now: it gets the next free code, not a CONFLICT about a code nobody gave
    const again = await node.gql(RECORD_INCIDENT, { i: input }, caseworker);
    expect(again.errors).toBeUndefined();
    expect(again.data?.recordIncident.incidentCode).toBe(`${first.incidentCode}-2`);
    // and recorded a third time, it is the same incident as the second: refused as such
    const twice = await node.gql(RECORD_INCIDENT, { i: input }, caseworker);
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'DUPLICATE_INCIDENT' } });
    // two records of a new combination at once: one is recorded, the other is its duplicate (not a clash over a code nobody gave)
    const other = { ...input, incidentDate: '2026-02-05', reportedDate: '2026-02-06' };
    const both = await Promise.all([node.gql(RECORD_INCIDENT, { i: other }, caseworker), node.gql(RECORD_INCIDENT, { i: other }, caseworker)]);
    expect(both.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(both.find((r) => r.errors)?.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'DUPLICATE_INCIDENT' } });
  });

  it('a correction leaves the flag "already reported by another member" as it is unless it names it (releases leave such incidents out)', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('FIX-FLAG') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'FIX-FLAG', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true }, reportedByOtherMember: true } }, caseworker);
    const id = rec.data?.recordIncident.id as string;
    const flag = async (): Promise<boolean> => (await node.dataSource.query('SELECT reported_by_other_member AS f FROM incidents WHERE id = $1', [id]))[0].f;
    expect(await flag()).toBe(true);
    const UPDATE = 'mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }';
    expect((await node.gql(UPDATE, { i: { id, narrative: 'Called again', district: 'TJ-DU-FIR' } }, caseworker)).errors).toBeUndefined();
    expect(await flag()).toBe(true);
    expect((await node.gql(UPDATE, { i: { id, reportedByOtherMember: false } }, caseworker)).errors).toBeUndefined();
    expect(await flag()).toBe(false);
    // and an incident recorded without it is not reported by another member
    const plain = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'FIX-FLAG', incidentDate: '2026-03-04', reportedDate: '2026-03-05', district: 'TJ-DU-SIN', violenceTypes: ['rape'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    expect((await node.dataSource.query('SELECT reported_by_other_member AS f FROM incidents WHERE id = $1', [plain.data?.recordIncident.id]))[0].f).toBe(false);
    const log = await node.dataSource.query(`SELECT details FROM access_log WHERE object_id = $1 AND action = 'case.update' ORDER BY id`, [id]);
    expect(log.map((l: { details: unknown }) => l.details)).toEqual([{ fields: ['district', 'narrative'] }, { fields: ['reportedByOtherMember'] }]);
  });

  it('corrects a service and a referral, or records the referral\'s outcome: only the fields given, dates not before the incident, logged by field name', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('FIX-2') }, caseworker);
    const inc = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'FIX-2', incidentDate: '2026-04-01', reportedDate: '2026-04-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = inc.data?.recordIncident.id as string;
    const svc = await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId, date: '2026-04-03', serviceType: 'case_management', outcome: 'ongoing', notes: 'Met at the bazaar' } }, caseworker);
    const serviceId = svc.data?.recordService.id as string;
    const ref = await node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId, date: '2026-04-04', direction: 'outgoing', destination: 'police', accepted: false } }, caseworker);
    const referralId = ref.data?.recordReferral.id as string;
    expect([svc.errors, ref.errors]).toEqual([undefined, undefined]);

    const UPDATE_SERVICE = 'mutation($i: UpdateServiceInput!) { updateService(input: $i) { id date serviceType outcome notes } }';
    const fixed = await node.gql(UPDATE_SERVICE, { i: { id: serviceId, serviceType: 'legal_counselling', outcome: 'provided', notes: null } }, caseworker);
    expect(fixed.data?.updateService).toEqual({ id: serviceId, date: '2026-04-03', serviceType: 'legal_counselling', outcome: 'provided', notes: null });
    const serviceRow = async () => (await node.dataSource.query('SELECT date::text, service_type, outcome, notes_enc FROM service_deliveries WHERE id = $1', [serviceId]))[0];
    const savedService = await serviceRow();
    expect(savedService).toEqual({ date: '2026-04-03', service_type: 'legal_counselling', outcome: 'provided', notes_enc: null });
    for (const [i, field, code] of [
      [{ date: '2026-03-30' }, 'date', 'DATE_ORDER'],
      [{ serviceType: 'massage' }, 'serviceType', 'UNKNOWN_CODE'],
      [{ outcome: null }, 'outcome', 'REQUIRED'],
    ] as const) {
      const res = await node.gql(UPDATE_SERVICE, { i: { id: serviceId, notes: 'should not be kept', ...i } }, caseworker);
      expect({ i, ext: res.errors?.[0].extensions }).toMatchObject({ i, ext: { code: 'BAD_USER_INPUT', details: { fields: [{ field, code }] } } });
      expect(await serviceRow()).toEqual(savedService);
    }

    const UPDATE_REFERRAL = 'mutation($i: UpdateReferralInput!) { updateReferral(input: $i) { id date direction source destination accepted notes } }';
    const outcome = await node.gql(UPDATE_REFERRAL, { i: { id: referralId, accepted: true, destination: 'health_facility', notes: 'Seen by the district doctor' } }, manager);
    expect(outcome.data?.updateReferral).toEqual({ id: referralId, date: '2026-04-04', direction: 'outgoing', source: null, destination: 'health_facility', accepted: true, notes: 'Seen by the district doctor' });
    const [refRow] = await node.dataSource.query('SELECT notes_enc FROM referrals WHERE id = $1', [referralId]);
    expect(refRow.notes_enc).toMatch(/^enc2:/);
    const wrongSide = await node.gql(UPDATE_REFERRAL, { i: { id: referralId, source: 'police' } }, caseworker);
    expect(wrongSide.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'source', code: 'NOT_FOR_DIRECTION' }] } });
    const early = await node.gql(UPDATE_REFERRAL, { i: { id: referralId, date: '2026-03-01', accepted: false } }, caseworker);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'date', code: 'DATE_ORDER' }] } });
    expect((await node.dataSource.query('SELECT accepted FROM referrals WHERE id = $1', [referralId]))[0].accepted).toBe(true);
    for (const [q, input] of [[UPDATE_SERVICE, { id: referralId, outcome: 'provided' }], [UPDATE_REFERRAL, { id: serviceId, accepted: true }]] as const) {
      expect((await node.gql(q, { i: input }, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }

    const log = await node.dataSource.query(`SELECT details FROM access_log WHERE object_id = $1 AND action = 'case.update' ORDER BY id`, [incidentId]);
    expect(log.map((l: { details: unknown }) => l.details)).toEqual([
      { service: serviceId },
      { referral: referralId },
      { service: serviceId, fields: ['serviceType', 'outcome', 'notes'] },
      { referral: referralId, fields: ['destination', 'accepted', 'notes'] },
    ]);
    expect(node.logs.join('\n')).not.toMatch(/bazaar|district doctor|should not be kept/);
  });

  it('lets a manager remove an incident entered in error, with its services and referrals; logged by ids and counts; a released month moves its fingerprint', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('DEL-1') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'DEL-1', incidentDate: '2025-09-01', reportedDate: '2025-09-02', district: 'TJ-DU-SIN', violenceTypes: ['sexual_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true }, narrative: 'Entered for the wrong woman' } }, caseworker);
    const id = rec.data?.recordIncident.id as string;
    await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId: id, date: '2025-09-03', serviceType: 'case_management', outcome: 'provided' } }, caseworker);
    await node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId: id, date: '2025-09-03', direction: 'incoming', source: 'self', accepted: true } }, caseworker);
    const monthly = currentStandard().dataset('incidents_monthly') as DatasetDecl;
    const september = async (): Promise<{ fingerprint: string; records: number }> => node.app.get(ReleaseProjection).extract(node.dataSource.manager, TEST_CENTRE, 'incident', [monthly], '2025-09');
    const before = await september();

    const DELETE = 'mutation($id: ID!) { deleteIncident(id: $id) { id incidentCode clientId services referrals } }';
    expect((await node.gql(DELETE, { id }, caseworker)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const removed = await node.gql(DELETE, { id }, manager);
    expect(removed.data?.deleteIncident).toMatchObject({ id, services: 1, referrals: 1 });
    for (const table of ['incidents', 'service_deliveries', 'referrals']) {
      const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${table === 'incidents' ? 'id' : 'incident_id'} = $1`, [id]);
      expect({ table, n }).toEqual({ table, n: 0 });
    }
    expect((await node.gql('query($id: ID!) { incident(id: $id) { id } }', { id }, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await node.gql(DELETE, { id }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const after = await september();
    expect(after.records).toBe(before.records - 1);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const [log] = await node.dataSource.query(`SELECT actor_role, details FROM access_log WHERE object_id = $1 AND action = 'case.delete'`, [id]);
    expect(log).toEqual({ actor_role: 'manager', details: { clientId: removed.data?.deleteIncident.clientId, services: 1, referrals: 1 } });
    // the same incident can be recorded again, for the right client
    expect((await node.gql(RECORD_INCIDENT, { i: { clientCode: 'DEL-1', incidentDate: '2025-09-01', reportedDate: '2025-09-02', district: 'TJ-DU-SIN', violenceTypes: ['sexual_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker)).errors).toBeUndefined();
    expect(node.logs.join('\n')).not.toContain('wrong woman');
  });

  it('lets a manager remove a service or a referral entered in error; logged by ids; the month\'s services table is prepared again at the next release check', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('DELS-1') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'DELS-1', incidentDate: '2025-08-01', reportedDate: '2025-08-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = rec.data?.recordIncident.id as string;
    const SERVICE = 'mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }';
    const service = { incidentId, date: '2025-08-03', serviceType: 'case_management', outcome: 'provided' };
    const kept = (await node.gql(SERVICE, { i: service }, caseworker)).data?.recordService.id as string;
    // the same service entered twice
    const twice = (await node.gql(SERVICE, { i: { ...service, notes: 'Entered twice by the night shift' } }, caseworker)).data?.recordService.id as string;
    const referralId = (await node.gql('mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id } }', { i: { incidentId, date: '2025-08-03', direction: 'incoming', source: 'self', accepted: true } }, caseworker)).data
      ?.recordReferral.id as string;
    const monthly = currentStandard().dataset('services_monthly') as DatasetDecl;
    const august = async (): Promise<{ fingerprint: string; records: number }> => node.app.get(ReleaseProjection).extract(node.dataSource.manager, TEST_CENTRE, 'service', [monthly], '2025-08');
    const releases = node.app.get(ReleasesService);
    const servicesTable = async (): Promise<ReleaseEntity | undefined> => (await releases.prepare('2025-08', new Date())).releases.find((r) => r.datasetId === 'services_monthly');
    const first = await servicesTable();
    expect(first).toMatchObject({ status: 'prepared', revision: 1 });
    const before = await august();
    expect(first?.inputFingerprint).toBe(before.fingerprint);

    const DELETE_SERVICE = 'mutation($id: ID!) { deleteService(id: $id) }';
    expect((await node.gql(DELETE_SERVICE, { id: twice }, caseworker)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(DELETE_SERVICE, { id: twice }, manager)).data?.deleteService).toBe(twice);
    expect((await node.gql(DELETE_SERVICE, { id: twice }, manager)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', details: { fields: [{ field: 'id', code: 'NOT_FOUND' }] } });
    // a referral's id is no service, and an id of nothing is nothing
    expect((await node.gql(DELETE_SERVICE, { id: referralId }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await node.gql(DELETE_SERVICE, { id: '00000000-0000-4000-8000-000000000000' }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const after = await august();
    expect(after.records).toBe(before.records - 1);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    // the next release check prepares the month again from the corrected register; once more, nothing
    const second = await servicesTable();
    expect(second).toMatchObject({ status: 'prepared', revision: 1, inputFingerprint: after.fingerprint });
    expect((await releases.get(first?.id as string)).status).toBe('superseded');
    expect(await servicesTable()).toBeUndefined();

    const DELETE_REFERRAL = 'mutation($id: ID!) { deleteReferral(id: $id) }';
    expect((await node.gql(DELETE_REFERRAL, { id: referralId }, caseworker)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(DELETE_REFERRAL, { id: kept }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await node.gql(DELETE_REFERRAL, { id: referralId }, manager)).data?.deleteReferral).toBe(referralId);
    expect((await node.gql(DELETE_REFERRAL, { id: referralId }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const incident = await node.gql('query($id: ID!) { incident(id: $id) { services { id } referrals { id } } }', { id: incidentId }, caseworker);
    expect(incident.data?.incident).toEqual({ services: [{ id: kept }], referrals: [] });
    const log = await node.dataSource.query(`SELECT actor_role, object_type, object_id, details FROM access_log WHERE action = 'case.delete' AND object_id = ANY($1) ORDER BY id`, [[twice, referralId]]);
    expect(log).toEqual([
      { actor_role: 'manager', object_type: 'service', object_id: twice, details: { incidentId } },
      { actor_role: 'manager', object_type: 'referral', object_id: referralId, details: { incidentId } },
    ]);
    expect(node.logs.join('\n')).not.toContain('night shift');
  });

  it('refuses the side a referral\'s direction does not have when it is recorded, and lets null clear one recorded before', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('SIDE-1') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'SIDE-1', incidentDate: '2025-08-05', reportedDate: '2025-08-06', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = rec.data?.recordIncident.id as string;
    const RECORD = 'mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id direction source destination } }';
    const count = async (): Promise<number> => (await node.dataSource.query('SELECT count(*)::int AS n FROM referrals WHERE incident_id = $1', [incidentId]))[0].n;
    const base = { incidentId, date: '2025-08-06', accepted: true };
    for (const [i, field] of [
      [{ ...base, direction: 'incoming', source: 'police', destination: 'shelter' }, 'destination'],
      [{ ...base, direction: 'outgoing', source: 'police', destination: 'shelter' }, 'source'],
      // a wrong side that is no code is refused for the side, too
      [{ ...base, direction: 'incoming', source: 'police', destination: 'nowhere' }, 'destination'],
    ] as const) {
      const res = await node.gql(RECORD, { i }, caseworker);
      expect({ i, ext: res.errors?.[0].extensions }).toMatchObject({ i, ext: { code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED', fields: [{ field, code: 'NOT_FOR_DIRECTION' }] } } });
    }
    expect(await count()).toBe(0);
    // null is no value: accepted on either side it does not belong to
    const incoming = await node.gql(RECORD, { i: { ...base, direction: 'incoming', source: 'police', destination: null } }, caseworker);
    expect(incoming.data?.recordReferral).toMatchObject({ direction: 'incoming', source: 'police', destination: null });
    const outgoing = await node.gql(RECORD, { i: { ...base, direction: 'outgoing', source: null, destination: 'shelter' } }, caseworker);
    expect(outgoing.data?.recordReferral).toMatchObject({ direction: 'outgoing', source: null, destination: 'shelter' });
    expect(await count()).toBe(2);

    // a referral recorded before the refusal, holding a destination on an incoming referral: null clears it
    const id = incoming.data?.recordReferral.id as string;
    await node.dataSource.query(`UPDATE referrals SET destination = 'shelter' WHERE id = $1`, [id]);
    const UPDATE = 'mutation($i: UpdateReferralInput!) { updateReferral(input: $i) { id source destination } }';
    expect((await node.gql(UPDATE, { i: { id, destination: 'shelter' } }, caseworker)).errors?.[0].extensions).toMatchObject({ details: { fields: [{ field: 'destination', code: 'NOT_FOR_DIRECTION' }] } });
    const cleared = await node.gql(UPDATE, { i: { id, destination: null } }, caseworker);
    expect(cleared.data?.updateReferral).toEqual({ id, source: 'police', destination: null });
    expect(await node.dataSource.query('SELECT source, destination FROM referrals WHERE id = $1', [id])).toEqual([{ source: 'police', destination: null }]);
    // its own side is still required
    expect((await node.gql(UPDATE, { i: { id, source: null } }, caseworker)).errors?.[0].extensions).toMatchObject({ details: { fields: [{ field: 'source', code: 'REQUIRED' }] } });
    const log = await node.dataSource.query(`SELECT details FROM access_log WHERE object_id = $1 AND action = 'case.update' AND details ? 'fields' ORDER BY id`, [incidentId]);
    expect(log.map((l: { details: unknown }) => l.details)).toEqual([{ referral: id, fields: ['destination'] }]);
  });

  it('answers NOT_FOUND, not an internal error, when what a new record belongs to is deleted by someone else at that moment', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('RACE-1') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'RACE-1', incidentDate: '2025-11-01', reportedDate: '2025-11-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const id = rec.data?.recordIncident.id as string;
    /** Runs `call` while another session holds `deletion` uncommitted, and commits it once the call waits on its row. */
    const whileDeleting = async (deletion: [string, unknown[]], call: () => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>): Promise<{ errors?: { extensions?: Record<string, unknown> }[] }> => {
      const other = node.dataSource.createQueryRunner();
      await other.connect();
      await other.startTransaction();
      try {
        await other.query(...deletion);
        const pending = call();
        await waitForLockWaits(node.dataSource, 'the call waiting on the row being deleted');
        await other.commitTransaction();
        return await pending;
      } finally {
        if (other.isTransactionActive) await other.rollbackTransaction();
        await other.release();
      }
    };
    // a service: its incident is read FOR SHARE (so that a correction of the incident's date cannot pass
    // it by), which waits for the deletion and then finds no incident
    const service = await whileDeleting(['DELETE FROM incidents WHERE id = $1', [id]], () =>
      node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId: id, date: '2025-11-03', serviceType: 'case_management', outcome: 'provided' } }, caseworker),
    );
    expect(service.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await node.dataSource.query('SELECT count(*)::int AS n FROM service_deliveries WHERE incident_id = $1', [id]))[0].n).toBe(0);
    // an incident: its client found, then removed before the insert's foreign key check
    const client = (await node.dataSource.query(`SELECT id FROM clients WHERE client_code = 'RACE-1'`))[0].id as string;
    const incident = await whileDeleting(['DELETE FROM clients WHERE id = $1', [client]], () =>
      node.gql(RECORD_INCIDENT, { i: { clientCode: 'RACE-1', incidentDate: '2025-11-05', reportedDate: '2025-11-06', district: 'TJ-DU-SIN', violenceTypes: ['rape'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker),
    );
    expect(incident.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'REMOVED_MEANWHILE' } });
    expect((await node.dataSource.query('SELECT count(*)::int AS n FROM incidents WHERE client_id = $1', [client]))[0].n).toBe(0);
  });

  it('the database keeps client and caller codes in capitals, as the register writes them (23514 for another spelling)', async () => {
    const [{ id }] = await node.dataSource.query(`SELECT id FROM clients LIMIT 1`);
    await expect(node.dataSource.query(`UPDATE clients SET client_code = lower(client_code) || 'x' WHERE id = $1`, [id])).rejects.toMatchObject({ driverError: { code: '23514' } });
    await expect(
      node.dataSource.query(`INSERT INTO consultations (centre_id, consultation_code, caller_code, date, topic, caller_sex, caller_is_survivor, consent_reporting) VALUES ('DSH', 'CASE-CHK-1', 'caller-lower', '2025-01-01', 'legal_questions', 'F', true, true)`),
    ).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('a service\'s date corrected while its incident is being deleted: the correction waits and finds nothing, never a deadlock', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('RACE-3') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'RACE-3', incidentDate: '2025-06-01', reportedDate: '2025-06-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = rec.data?.recordIncident.id as string;
    const made = await node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId, date: '2025-06-03', serviceType: 'case_management', outcome: 'ongoing' } }, caseworker);
    const serviceId = made.data?.recordService.id as string;
    expect(serviceId).toBeTruthy();
    // another session deletes the incident as deleteIncident does: the incident locked first, then its services
    const other = node.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    let answer: { errors?: { extensions?: Record<string, unknown> }[] };
    try {
      await other.query('SELECT id FROM incidents WHERE id = $1 FOR UPDATE', [incidentId]);
      const pending = node.gql('mutation($i: UpdateServiceInput!) { updateService(input: $i) { id } }', { i: { id: serviceId, date: '2025-06-04' } }, caseworker);
      await waitForLockWaits(node.dataSource, 'the correction waiting');
      // with the service locked by the correction, this DELETE and the correction deadlocked (40P01)
      await other.query('DELETE FROM service_deliveries WHERE incident_id = $1', [incidentId]);
      await other.query('DELETE FROM incidents WHERE id = $1', [incidentId]);
      await other.commitTransaction();
      answer = await pending;
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a service dated before its incident cannot slip in while the incident\'s date is corrected: the two checks see each other', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('RACE-2') }, caseworker);
    const rec = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'RACE-2', incidentDate: '2025-05-01', reportedDate: '2025-05-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const id = rec.data?.recordIncident.id as string;
    // both requests reach their checks, then wait on the access log (a third session holds it) before they commit
    const holder = node.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let answers: { errors?: { extensions?: Record<string, unknown> }[] }[];
    try {
      await holder.query('LOCK TABLE access_log IN SHARE MODE');
      const correction = node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }', { i: { id, incidentDate: '2025-05-05', reportedDate: '2025-05-06' } }, caseworker);
      const service = node.gql('mutation($i: RecordServiceInput!) { recordService(input: $i) { id } }', { i: { incidentId: id, date: '2025-05-03', serviceType: 'case_management', outcome: 'provided' } }, caseworker);
      // (one of them may wait on the other's row instead of the access log: two waits either way)
      await waitForLockWaits(node.dataSource, 'the correction and the service waiting', 2);
      await holder.commitTransaction();
      answers = await Promise.all([correction, service]);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    // exactly one of the two stands, and the register never holds a service before its incident
    expect(answers.filter((a) => a.errors === undefined)).toHaveLength(1);
    const [row] = await node.dataSource.query(
      `SELECT i.incident_date::text AS incident, min(s.date)::text AS first_service FROM incidents i LEFT JOIN service_deliveries s ON s.incident_id = i.id WHERE i.id = $1 GROUP BY i.incident_date`,
      [id],
    );
    expect(row.first_service === null || row.first_service >= row.incident).toBe(true);
  });

  it('merges a client registered twice: her incidents moved to the right record, then the duplicate removed by a manager', async () => {
    const right = (await node.gql(CREATE_CLIENT, { i: validClient('DUP-1') }, caseworker)).data?.createClient.id as string;
    const twin = (await node.gql(CREATE_CLIENT, { i: validClient('DUP-2') }, caseworker)).data?.createClient.id as string;
    const inc = await node.gql(RECORD_INCIDENT, { i: { clientCode: 'DUP-2', incidentDate: '2025-10-01', reportedDate: '2025-10-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } }, caseworker);
    const incidentId = inc.data?.recordIncident.id as string;
    const DELETE = 'mutation($id: ID!) { deleteClient(id: $id) }';
    expect((await node.gql(DELETE, { id: twin }, caseworker)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(DELETE, { id: twin }, manager)).errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'HAS_INCIDENTS' } });
    const moved = await node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { clientId } }', { i: { id: incidentId, clientCode: 'DUP-1' } }, caseworker);
    expect(moved.data?.updateIncident.clientId).toBe(right);
    expect((await node.gql(DELETE, { id: twin }, manager)).data?.deleteClient).toBe(twin);
    expect((await node.gql('{ clientByCode(clientCode: "DUP-2") { id } }', {}, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await node.gql(DELETE, { id: twin }, manager)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const log = await node.dataSource.query(`SELECT actor_role, object_type, details FROM access_log WHERE object_id = $1 AND action = 'case.delete'`, [twin]);
    expect(log).toEqual([{ actor_role: 'manager', object_type: 'client', details: {} }]);
  });

  it('lists incidents newest reported first, by date range, type and client code, with no narrative and no case read logged', async () => {
    for (const code of ['LIST-A', 'LIST-B']) await node.gql(CREATE_CLIENT, { i: validClient(code) }, caseworker);
    const rec = (clientCode: string, reportedDate: string, violenceTypes: string[]) =>
      node.gql(RECORD_INCIDENT, { i: { clientCode, incidentDate: '2025-06-01', reportedDate, district: 'TJ-DU-SIN', violenceTypes, perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: false }, narrative: 'Told at the clinic' } }, caseworker);
    await rec('LIST-A', '2025-06-03', ['physical_assault']);
    await rec('LIST-A', '2025-06-10', ['rape']);
    await rec('list-b', '2025-06-07', ['physical_assault']);
    await rec('LIST-B', '2025-07-01', ['forced_marriage']);
    const reads = async (): Promise<number> => (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.read'`))[0].n;
    const before = await reads();
    const list = async (search: Record<string, unknown>, token = caseworker) =>
      node.gql('query($s: IncidentSearchInput) { incidents(search: $s) { total offset items { incidentCode clientCode reportedDate violenceType consent { reporting } } } }', { s: search }, token);

    const june = await list({ from: '2025-06-01', to: '2025-06-30' });
    expect(june.data?.incidents.total).toBe(3);
    expect(june.data?.incidents.items.map((i: { clientCode: string; reportedDate: string }) => `${i.clientCode} ${i.reportedDate}`)).toEqual(['LIST-A 2025-06-10', 'LIST-B 2025-06-07', 'LIST-A 2025-06-03']);
    expect(june.data?.incidents.items[2]).toMatchObject({ violenceType: 'physical_assault', consent: { reporting: false } });
    const page2 = await list({ from: '2025-06-01', to: '2025-06-30', first: 2, offset: 2 });
    expect(page2.data?.incidents).toMatchObject({ total: 3, offset: 2, items: [{ reportedDate: '2025-06-03' }] });
    expect((await list({ from: '2025-06-01', to: '2025-07-31', violenceType: 'physical_assault' }, manager)).data?.incidents.total).toBe(2);
    expect((await list({ clientCode: 'list-b' })).data?.incidents.items.map((i: { reportedDate: string }) => i.reportedDate)).toEqual(['2025-07-01', '2025-06-07']);
    // a list is codes and dates: the narrative is not a field of it, and listing reads no case
    const narrative = await node.gql('{ incidents { items { narrative } } }', {}, caseworker);
    expect(narrative.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await reads()).toBe(before);
    // invalid filters are refused by field
    expect((await list({ from: '2025-06-30', to: '2025-06-01' })).errors?.[0].extensions?.details?.fields?.[0]).toMatchObject({ field: 'to', code: 'DATE_ORDER' });
    expect((await list({ violenceType: 'flogging' })).errors?.[0].extensions?.details?.fields?.[0]).toMatchObject({ field: 'violenceType', code: 'UNKNOWN_CODE' });
    expect((await list({ first: 101 })).errors?.[0].extensions?.details?.fields?.[0]).toMatchObject({ field: 'first', code: 'OUT_OF_RANGE' });
  });

  it('searches by pseudonymous code prefix with capped pages, showing nothing identifiable', async () => {
    for (let i = 0; i < 4; i++) await node.gql(CREATE_CLIENT, { i: validClient(`SRCH-${i}`) }, caseworker);
    const page = await node.gql('{ clients(search: {codePrefix: "srch", first: 3}) { total offset items { clientCode } } }', {}, manager);
    expect(page.data?.clients.total).toBe(4);
    expect(page.data?.clients.items.map((c: { clientCode: string }) => c.clientCode)).toEqual(['SRCH-0', 'SRCH-1', 'SRCH-2']);
    const next = await node.gql('{ clients(search: {codePrefix: "SRCH", first: 3, offset: 3}) { items { clientCode } } }', {}, manager);
    expect(next.data?.clients.items).toEqual([{ clientCode: 'SRCH-3' }]);
    const tooBig = await node.gql('{ clients(search: {first: 1000}) { total } }', {}, manager);
    expect(tooBig.errors?.[0].extensions?.details.fields[0]).toMatchObject({ field: 'first', code: 'OUT_OF_RANGE' });
  });

  it('stores identifiable fields as ciphertext, logs every read, and still decrypts after a key rotation', async () => {
    const { client, incident } = cases[1];
    const created = await node.gql(CREATE_CLIENT, { i: client }, caseworker);
    expect(created.errors).toBeUndefined();
    const rec = await node.gql(RECORD_INCIDENT, { i: incident }, caseworker);
    expect(rec.errors).toBeUndefined();
    const id = created.data?.createClient.id as string;

    const [raw] = await node.dataSource.query('SELECT * FROM clients WHERE id = $1', [id]);
    for (const col of ['full_name_enc', 'phone_enc', 'address_enc', 'date_of_birth_enc']) {
      if (raw[col] === null) continue;
      expect(raw[col]).toMatch(/^enc2:k1:/);
    }
    const rawText = JSON.stringify(raw);
    for (const v of [client.fullName, client.phone, client.address, client.dateOfBirth, client.notes] as unknown[]) if (typeof v === 'string') expect(rawText).not.toContain(v);
    const [rawIncident] = await node.dataSource.query('SELECT narrative_enc FROM incidents WHERE id = $1', [rec.data?.recordIncident.id]);
    if (incident.narrative) expect(rawIncident.narrative_enc).toMatch(/^enc2:k1:/);

    const before = (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.read' AND object_id = $1`, [id]))[0].n;
    const read = await node.gql(`query($c: String!) { clientByCode(clientCode: $c) { ${CLIENT_FIELDS} incidents { narrative violenceType } } }`, { c: client.clientCode }, manager);
    expect(read.data?.clientByCode).toMatchObject({ fullName: client.fullName ?? null, phone: client.phone ?? null, address: client.address ?? null });
    expect(read.data?.clientByCode.incidents[0].narrative).toBe(incident.narrative ?? null);
    const after = (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.read' AND object_id = $1`, [id]))[0].n;
    expect(after).toBe(before + 1);

    const log = await node.gql('query($id: ID!) { accessLog(filter: {objectId: $id, action: "case.read"}) { total items { action objectType objectId actorRole at } } }', { id }, admin);
    expect(log.data?.accessLog.items[0]).toMatchObject({ action: 'case.read', objectType: 'client', objectId: id, actorRole: 'manager' });

    // A value moved to another row does not open there: someone who can write to the database cannot put one
    // client's phone number on another's record (each value is sealed to its row); the read fails, naming nothing
    const [zarinaRow] = await node.dataSource.query(`SELECT id, phone_enc FROM clients WHERE client_code = 'MX-0001'`);
    const mine = raw.phone_enc as string | null;
    await node.dataSource.query('UPDATE clients SET phone_enc = $1 WHERE id = $2', [zarinaRow.phone_enc, id]);
    const swapped = await node.gql(`query($c: String!) { clientByCode(clientCode: $c) { phone } }`, { c: client.clientCode }, manager);
    expect(swapped.data?.clientByCode ?? null).toBeNull();
    expect(JSON.stringify(swapped.errors)).not.toContain('+992 93 555 0101');
    await node.dataSource.query('UPDATE clients SET phone_enc = $1 WHERE id = $2', [mine, id]);
    // a value sealed before rows were bound (enc1:, by its column alone) still opens, and the rotation binds it to its row
    await node.dataSource.query('UPDATE clients SET notes_enc = $1 WHERE id = $2', [legacySeal(k1, 'k1', 'A note from before', AAD.clientNotes), id]);
    expect((await node.gql(`query($c: String!) { clientByCode(clientCode: $c) { notes } }`, { c: client.clientCode }, manager)).data?.clientByCode.notes).toBe('A note from before');

    // Rotate: k2 becomes current, k1 stays in the ring until the rotation ends.
    const report = await rotateKeys(node.dataSource, new KeyRing(`k2:${k2},k1:${k1}`), { batchSize: 2 });
    expect((await node.dataSource.query('SELECT notes_enc FROM clients WHERE id = $1', [id]))[0].notes_enc).toMatch(/^enc2:k2:/);
    expect(report.rows.clients).toBeGreaterThan(0);
    const stale = (await node.dataSource.query(`SELECT count(*)::int AS n FROM clients WHERE full_name_enc LIKE 'enc2:k1:%' OR phone_enc LIKE 'enc2:k1:%'`))[0].n;
    expect(stale).toBe(0);
    // A node that only knows k2 reads everything.
    const rotated = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: `k2:${k2}` }, node.db);
    try {
      const t = await rotated.signIn('manager');
      const again = await rotated.gql(`query($c: String!) { clientByCode(clientCode: $c) { fullName phone address dateOfBirth notes incidents { narrative } } }`, { c: client.clientCode }, t);
      expect(again.errors).toBeUndefined();
      expect(again.data?.clientByCode).toMatchObject({ fullName: client.fullName ?? null, phone: client.phone ?? null, dateOfBirth: client.dateOfBirth ?? null });
      expect((await rotated.gql(`query($c: String!) { clientByCode(clientCode: $c) { notes } }`, { c: client.clientCode }, t)).data?.clientByCode.notes).toBe('A note from before');
      const zarina = await rotated.gql('{ clientByCode(clientCode: "MX-0001") { fullName phone } }', {}, t);
      expect(zarina.data?.clientByCode).toEqual({ fullName: 'Zarina Testova', phone: '+992 93 555 0101' });
    } finally {
      await rotated.close();
    }
  });

  it('a rotation re-encrypts every encrypted column, waits for rows another session holds, and fails rather than leave an old ciphertext behind', async () => {
    // services and consultations with notes too, all under k1; the rows of the test above are under k2
    await fillSyntheticRegister(node.dataSource, new KeyRing(`k1:${k1}`), 'DSH', iterateRegister({ seed: 'rotation', centre: { id: 'ROT', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-01-31', incidents: 30 }));
    await fillSyntheticConsultations(node.dataSource, new KeyRing(`k1:${k1}`), 'DSH', generateHotlineConsultations({ seed: 'rotation', centre: { id: 'ROT', centreType: 'hotline', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-01-31', count: 20 }));
    // the synthetic register writes no service or referral notes: one of each, sealed as the register seals them
    const k1Ring = new KeyRing(`k1:${k1}`);
    const [{ id: serviceId }] = await node.dataSource.query(`SELECT min(id::text) AS id FROM service_deliveries`);
    await node.dataSource.query(`UPDATE service_deliveries SET notes_enc = $1 WHERE id = $2`, [k1Ring.seal('Synthetic service note', AAD.serviceNotes, serviceId), serviceId]);
    const referralId = randomUUID();
    await node.dataSource.query(
      `INSERT INTO referrals (id, centre_id, referral_code, incident_id, date, direction, destination, accepted, notes_enc)
       SELECT $2, 'DSH', 'ROT-REF-1', id, incident_date, 'outgoing', 'legal_aid', true, $1 FROM incidents ORDER BY id LIMIT 1`,
      [k1Ring.seal('Synthetic referral note', AAD.referralNotes, referralId), referralId],
    );
    /** Ciphertexts per encrypted column not under the given key. */
    const notUnder = async (keyId: string): Promise<number> => {
      let n = 0;
      for (const c of ENCRYPTED_COLUMNS) {
        n += (await node.dataSource.query(`SELECT count(*)::int AS n FROM ${c.table} WHERE ${c.column} IS NOT NULL AND ${c.column} NOT LIKE $1`, [`enc2:${keyId}:%`]))[0].n as number;
      }
      return n;
    };
    for (const t of ['clients', 'incidents', 'service_deliveries', 'referrals', 'consultations']) {
      const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM ${t} WHERE ${t === 'clients' ? 'full_name_enc' : t === 'incidents' ? 'narrative_enc' : 'notes_enc'} LIKE 'enc2:k1:%'`);
      expect(`${t} ${n > 0}`).toBe(`${t} true`);
    }
    const k3 = newKey();
    const ring = new KeyRing(`k3:${k3},k2:${k2},k1:${k1}`);
    const other = node.dataSource.createQueryRunner();
    await other.connect();
    try {
      // another session holds a client row: past the lock timeout the rotation fails, naming counts only
      await other.startTransaction();
      await other.query(`SELECT id FROM clients WHERE full_name_enc LIKE 'enc2:k1:%' LIMIT 1 FOR UPDATE`);
      await expect(rotateKeys(node.dataSource, ring, { batchSize: 7, lockTimeoutMs: 200 })).rejects.toThrow(new RotationIncompleteError({ clients: 1 }));
      // held again, and let go while the rotation waits for it: the rotation finishes
      const waiting = rotateKeys(node.dataSource, ring, { batchSize: 7 });
      waiting.catch(() => undefined);
      await waitForLockWaits(node.dataSource, 'the rotation waiting on the held client');
      await other.commitTransaction();
      await waiting;
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    expect(await notUnder('k3')).toBe(0);
  });

  it('never writes an identifiable value to a log line or an error', async () => {
    const names: string[] = ['Zarina Testova', '+992 93 555 0101', 'Rudaki street 12', 'Came with her two children'];
    for (const c of cases) for (const v of [c.client.fullName, c.client.phone, c.client.address, c.client.notes, c.incident.narrative]) if (typeof v === 'string') names.push(v);
    // Provoke errors carrying identifiable input.
    const e1 = await node.gql(CREATE_CLIENT, { i: { ...validClient('LOG-1'), sex: 'Zarina Testova', phone: 'Zarina Testova' } }, caseworker);
    await node.gql(CREATE_CLIENT, { i: validClient('LOG-2') }, caseworker);
    const e2 = await node.gql(CREATE_CLIENT, { i: validClient('LOG-2') }, caseworker);
    // values of the wrong type, which graphql-js quotes in its own messages: by variable, and as a literal
    const e3 = await node.gql(CREATE_CLIENT, { i: { ...validClient('LOG-3'), birthYear: 'Zarina Testova' } }, caseworker);
    const e4 = await node.gql(CREATE_CLIENT, { i: { ...validClient('LOG-4'), fullName: 992935550101 } }, caseworker);
    const e5 = await node.gql('mutation { createClient(input: {clientCode: "LOG-5", sex: "female", birthYear: "Zarina Testova"}) { id } }', {}, caseworker);
    for (const e of [e3, e4, e5]) expect(e.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(e3.errors?.[0].message).toContain('i.birthYear');
    names.push('992935550101');
    // a GraphQL GET carries the operation and its variables in the query string, which request logs must not keep
    const get = await request(node.app.getHttpServer())
      .get('/graphql')
      .set('apollo-require-preflight', '1')
      .set('authorization', `Bearer ${caseworker}`)
      .query({ query: 'query($n: String!) { clientByCode(clientCode: $n) { id } }', variables: JSON.stringify({ n: 'Zarina Testova +992935550101' }) });
    expect(get.status).toBe(200);
    const errors = JSON.stringify([e1.errors, e2.errors, e3.errors, e4.errors, e5.errors]);
    expect(node.logs.length).toBeGreaterThan(10);
    const logs = node.logs.join('\n');
    expect(logs).not.toMatch(/Zarina|992935550101|clientByCode/);
    for (const v of names) {
      expect(logs).not.toContain(v);
      expect(errors).not.toContain(v);
    }
  });

  it('lets the centre admin manage staff: create, reset password, deactivate a leaver at once', async () => {
    const created = await node.gql('mutation { createStaffAccount(input: {username: "leaver", displayName: "Leaver", password: "first long password", role: caseworker}) { id active } }', {}, admin);
    const id = created.data?.createStaffAccount.id as string;
    const login = (password: string) => node.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: 'leaver', password } });
    const token = (await login('first long password')).data?.login.accessToken as string;
    expect((await node.gql('{ me { username } }', {}, token)).data?.me.username).toBe('leaver');
    // a short password is refused, naming the field, on creation and on reset
    const short = await node.gql('mutation { createStaffAccount(input: {username: "shorty", displayName: "S", password: "short", role: caseworker}) { id } }', {}, admin);
    expect(short.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'password' })] } });
    const shortReset = await node.gql('mutation($i: ResetPasswordInput!) { resetStaffPassword(input: $i) { id } }', { i: { accountId: id, newPassword: 'short' } }, admin);
    expect(shortReset.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'newPassword' })] } });
    expect((await node.dataSource.query(`SELECT count(*)::int AS n FROM staff_accounts WHERE username = 'shorty'`))[0].n).toBe(0);
    await node.gql('mutation($i: ResetPasswordInput!) { resetStaffPassword(input: $i) { id } }', { i: { accountId: id, newPassword: 'second long password' } }, admin);
    expect((await login('first long password')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // the reset ends the session signed in with the old password (someone who learnt it is out at once)
    expect((await node.gql('{ me { username } }', {}, token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const renewed = (await login('second long password')).data?.login.accessToken as string;
    expect((await node.gql('{ me { username } }', {}, renewed)).data?.me.username).toBe('leaver');
    const [{ password_hash }] = await node.dataSource.query('SELECT password_hash FROM staff_accounts WHERE id = $1', [id]);
    expect(password_hash).toMatch(/^\$argon2id\$/);
    await node.gql('mutation($id: ID!) { deactivateStaffAccount(accountId: $id) { active } }', { id }, admin);
    expect((await node.gql('{ me { username } }', {}, renewed)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await login('second long password')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rate-limits sign-in per account with a lockout window', async () => {
    await node.gql('mutation { createStaffAccount(input: {username: "target", displayName: "T", password: "the right password", role: manager}) { id } }', {}, admin);
    const login = (password: string) => node.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: 'target', password } });
    for (let i = 0; i < 5; i++) expect((await login('wrong password')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const locked = await login('the right password');
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'LOGIN_LOCKED' } });
    // Another account from the same IP is not locked by this one.
    expect((await node.gql('{ me { role } }', {}, await node.signIn('caseworker'))).data?.me.role).toBe('caseworker');

    // the centre admin's reset unlocks the account at once
    const [{ id: targetId }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM staff_accounts WHERE username = 'target'`);
    const reset = await node.gql('mutation($i: ResetPasswordInput!) { resetStaffPassword(input: $i) { id } }', { i: { accountId: targetId, newPassword: 'a brand new password' } }, admin);
    expect(reset.errors).toBeUndefined();
    expect((await login('a brand new password')).data?.login.accessToken).toEqual(expect.any(String));

    // spraying many accounts from one address: past four times the per-account limit, the address is locked,
    // even for an account that never failed and its right password
    await node.gql('mutation { createStaffAccount(input: {username: "untouched", displayName: "U", password: "the right password", role: caseworker}) { id } }', {}, admin);
    const as = (username: string, password: string) => node.gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username, password } });
    for (let i = 0; i < 20; i++) expect((await as(`spray.${i % 5}`, 'guess')).errors?.[0].extensions?.code).toMatch(/UNAUTHENTICATED|RATE_LIMITED/);
    expect((await as('untouched', 'the right password')).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('the centre admin can filter the access log by every object type it holds (service and referral deletions were refused as a filter)', async () => {
    const types: { object_type: string; n: number }[] = await node.dataSource.query('SELECT object_type, count(*)::int AS n FROM access_log GROUP BY 1 ORDER BY 1');
    expect(types.map((t) => t.object_type)).toEqual(expect.arrayContaining(['client', 'incident', 'service', 'referral', 'staff_account']));
    for (const t of types) {
      const res = await node.gql('query($f: AccessLogFilter) { accessLog(filter: $f) { total } }', { f: { objectType: t.object_type } }, admin);
      expect({ type: t.object_type, errors: res.errors, total: res.data?.accessLog.total }).toEqual({ type: t.object_type, errors: undefined, total: t.n });
    }
  });

  it('refuses an incident before its client was born, where it is recorded, corrected or moved, writing nothing', async () => {
    await node.gql(CREATE_CLIENT, { i: { ...validClient('BORN-2015'), birthYear: 2015, dateOfBirth: null } }, caseworker);
    await node.gql(CREATE_CLIENT, { i: { ...validClient('BORN-1990') } }, caseworker);
    const incident = (clientCode: string, incidentDate: string) => ({
      clientCode, incidentDate, reportedDate: '2026-03-09', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true },
    });
    const count = async (): Promise<number> => (await node.dataSource.query('SELECT count(*)::int AS n FROM incidents'))[0].n;
    const before = await count();
    const early = await node.gql(RECORD_INCIDENT, { i: incident('BORN-2015', '2010-03-01') }, caseworker);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'incidentDate', code: 'DATE_ORDER' }] } });
    expect(await count()).toBe(before);
    const id = (await node.gql(RECORD_INCIDENT, { i: incident('BORN-1990', '2010-03-01') }, caseworker)).data?.recordIncident.id as string;
    const UPDATE = 'mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { clientId incidentDate } }';
    const moved = await node.gql(UPDATE, { i: { id, clientCode: 'BORN-2015' } }, caseworker);
    expect(moved.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'clientCode', code: 'DATE_ORDER' }] } });
    const mine = (await node.gql(RECORD_INCIDENT, { i: incident('BORN-2015', '2016-03-01') }, caseworker)).data?.recordIncident.id as string;
    const redated = await node.gql(UPDATE, { i: { id: mine, incidentDate: '2014-12-31' } }, caseworker);
    expect(redated.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'incidentDate', code: 'DATE_ORDER' }] } });
    const rows: { id: string; client: string; date: string }[] = await node.dataSource.query(
      'SELECT i.id, c.client_code AS client, i.incident_date::text AS date FROM incidents i JOIN clients c ON c.id = i.client_id WHERE i.id = ANY($1::uuid[]) ORDER BY date',
      [[id, mine]],
    );
    expect(rows.map((r) => [r.client, r.date])).toEqual([['BORN-1990', '2010-03-01'], ['BORN-2015', '2016-03-01']]);
  });

  it('an edit made from an older reading is refused (STALE_VERSION) instead of undoing a colleague\'s; a consent change names only what changed', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('STALE-1') }, caseworker);
    const recorded = await node.gql(
      'mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id version consent { services reporting } } }',
      { i: { clientCode: 'STALE-1', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } } },
      caseworker,
    );
    const { id, version } = recorded.data?.recordIncident as { id: string; version: number };
    expect(version).toBe(1);
    const CONSENT = 'mutation($i: UpdateConsentInput!) { updateConsent(input: $i) { version consent { services reporting } } }';
    // B records the withdrawal of reporting consent, from version 1
    const withdrawn = await node.gql(CONSENT, { i: { incidentId: id, expectedVersion: 1, consent: { reporting: false } } }, manager);
    expect(withdrawn.data?.updateConsent).toEqual({ version: 2, consent: { services: true, reporting: false } });
    // A, from the same old reading, sends both consents as her screen showed them: refused, nothing changes
    const stale = await node.gql(CONSENT, { i: { incidentId: id, expectedVersion: 1, consent: { services: true, reporting: true } } }, caseworker);
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'STALE_VERSION', version: 2 } });
    // a change of one consent leaves the other as recorded
    const services = await node.gql(CONSENT, { i: { incidentId: id, consent: { services: false } } }, caseworker);
    expect(services.data?.updateConsent).toEqual({ version: 3, consent: { services: false, reporting: false } });
    const none = await node.gql(CONSENT, { i: { incidentId: id, consent: {} } }, caseworker);
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'consent', code: 'REQUIRED' }] } });
    // corrections to the incident and the client: the same check
    const staleFix = await node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { version } }', { i: { id, expectedVersion: 2, district: 'TJ-RA-VAH' } }, caseworker);
    expect(staleFix.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'STALE_VERSION' } });
    expect((await node.gql('mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { version } }', { i: { id, expectedVersion: 3, perpetratorRelationship: 'intimate_partner' } }, caseworker)).data?.updateIncident.version).toBe(4);
    const client = (await node.dataSource.query(`SELECT id, version FROM clients WHERE client_code = 'STALE-1'`))[0] as { id: string; version: number };
    const UPDATE_CLIENT = 'mutation($i: UpdateClientInput!) { updateClient(input: $i) { version notes } }';
    expect((await node.gql(UPDATE_CLIENT, { i: { id: client.id, expectedVersion: client.version, notes: 'Second visit' } }, caseworker)).data?.updateClient).toEqual({ version: client.version + 1, notes: 'Second visit' });
    const staleClient = await node.gql(UPDATE_CLIENT, { i: { id: client.id, expectedVersion: client.version, notes: 'From the old screen' } }, caseworker);
    expect(staleClient.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'STALE_VERSION', version: client.version + 1 } });
    expect((await node.dataSource.query('SELECT consent_reporting, consent_services, version FROM incidents WHERE id = $1', [id]))[0]).toEqual({ consent_reporting: false, consent_services: false, version: 4 });
  });

  it('refers a survivor elsewhere only with her consent to services and referral (CONSENT_REQUIRED), an incoming referral is recorded whatever it', async () => {
    await node.gql(CREATE_CLIENT, { i: validClient('NOCONSENT-1') }, caseworker);
    const recorded = await node.gql(RECORD_INCIDENT, {
      i: { clientCode: 'NOCONSENT-1', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: false, reporting: true } },
    }, caseworker);
    const incidentId = recorded.data?.recordIncident.id as string;
    const REFER = 'mutation($i: RecordReferralInput!) { recordReferral(input: $i) { id direction } }';
    const refer = (direction: 'incoming' | 'outgoing') =>
      node.gql(REFER, { i: { incidentId, date: '2026-03-03', direction, ...(direction === 'outgoing' ? { destination: 'police' } : { source: 'police' }), accepted: false } }, caseworker);
    const count = async (): Promise<number> => (await node.dataSource.query('SELECT count(*)::int AS n FROM referrals WHERE incident_id = $1', [incidentId]))[0].n;
    const refused = await refer('outgoing');
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'CONSENT_REQUIRED', fields: [{ field: 'direction', code: 'CONSENT_REQUIRED' }] } });
    expect(await count()).toBe(0);
    expect((await refer('incoming')).data?.recordReferral.direction).toBe('incoming');
    await node.gql('mutation($i: UpdateConsentInput!) { updateConsent(input: $i) { id } }', { i: { incidentId, consent: { services: true } } }, caseworker);
    expect((await refer('outgoing')).data?.recordReferral.direction).toBe('outgoing');
    expect(await count()).toBe(2);
  });
});
