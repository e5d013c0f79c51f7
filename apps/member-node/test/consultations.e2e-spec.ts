import { STANDARD, Standard, SubmissionPayload, validateCaseRecord } from '@paivand/schema';
import { CallerCodesUpper1764800000000 } from '../src/database/migrations/1764800000000-caller-codes-upper';
import { CONSULTATION_COLUMNS, consultationRows, ExportValue } from '../src/exports/export-rows';
import { ReleaseProjection } from '../src/releases/release-projection';
import { generateHotlineConsultations, iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { NodeSigningKey } from '../src/federation/signing-key';
import { PrepareProgress, ReleasesService } from '../src/releases/releases.service';
import { fillSyntheticConsultations, fillSyntheticRegister } from '../src/releases/synthetic-register';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { runCli as cli } from './utils/cli';
import { newKey, NodeTestApp, startNodeTestApp, TEST_CENTRE, TEST_JWT_SECRET } from './utils/node-test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers and stored reports are checked field by field */

const RECORD = `mutation($i: RecordConsultationInput!) { recordConsultation(input: $i) {
  id consultationCode callerCode date topic callerSex callerAgeBand district callerIsSurvivor referredTo consentReporting notes } }`;
const NOW = new Date('2026-05-20T00:00:00Z');
const HOTLINE = 'hotline_monthly';

const valid = (code: string, patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  consultationCode: code,
  callerCode: 'CALLER-0001',
  date: '2026-01-12',
  topic: 'legal_questions',
  callerSex: 'F',
  callerAgeBand: 'Y25T34',
  district: 'TJ-DU-SIN',
  callerIsSurvivor: true,
  referredTo: 'legal_aid',
  consentReporting: true,
  notes: 'Caller Malika asked about alimony; her husband works in Moscow',
  ...patch,
});

/** The standard with the hotline's annual budget changed (a new version, as the hub would publish it). */
function withBudget(version: string, annualEpsilon: number): Standard {
  return {
    ...STANDARD,
    version,
    datasets: STANDARD.datasets.map((d) =>
      d.id === HOTLINE ? { ...d, protection: { ...d.protection, differentialPrivacy: { epsilonPerRelease: 0.5, annualEpsilon, maxContributionsPerClient: 3 } } } : d,
    ),
  };
}

jest.setTimeout(60_000);

describe('member node: hotline consultations and their differential-privacy release', () => {
  const keys = `k1:${newKey()}`;
  let node: NodeTestApp;
  let caseworker: string;
  let manager: string;
  let admin: string;
  let releases: ReleasesService;
  /** Everything that must never leave the node: notes, caller and consultation codes. */
  const identifiers: string[] = [];

  const signing = NodeSigningKey.generate().privateKeyPem;
  beforeAll(async () => {
    node = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: keys, NODE_SIGNING_KEY: signing, FEDERATION_JOBS: 'false' });
    [caseworker, manager, admin] = await Promise.all([node.signIn('caseworker'), node.signIn('manager'), node.signIn('centre_admin')]);
    releases = node.app.get(ReleasesService);
  });
  afterAll(() => node.close());

  it('lets caseworkers and managers record consultations, not the centre admin nor anyone signed out; a centre releases hotline tables once it records one', async () => {
    expect((await releases.datasetsFor('month')).map((d) => d.id)).toEqual(['incidents_monthly', 'services_monthly']);
    expect((await node.gql(RECORD, { i: valid('ROLE-0') })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await node.gql(RECORD, { i: valid('ROLE-0') }, admin)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byCaseworker = await node.gql(RECORD, { i: valid('ROLE-1') }, caseworker);
    expect(byCaseworker.errors).toBeUndefined();
    expect(byCaseworker.data?.recordConsultation).toMatchObject({ consultationCode: 'ROLE-1', callerCode: 'CALLER-0001', topic: 'legal_questions', consentReporting: true });
    const byManager = await node.gql(RECORD, { i: valid('ROLE-2', { callerCode: null, callerAgeBand: null, district: null, referredTo: null, notes: null }) }, manager);
    expect(byManager.data?.recordConsultation).toMatchObject({ callerCode: null, callerAgeBand: null, district: null, referredTo: null, notes: null });
    const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM consultations WHERE consultation_code LIKE 'ROLE-%'`);
    expect(n).toBe(2);
    expect((await releases.datasetsFor('month')).map((d) => d.id)).toEqual(['incidents_monthly', 'services_monthly', HOTLINE]);
    identifiers.push('ROLE-1', 'ROLE-2', 'CALLER-0001', valid('x').notes as string);
  });

  it('refuses every invalid field with a coded error naming it, echoes no value, and writes nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ consultationCode: 'has spaces!' }, 'consultationCode:INVALID_FORMAT'],
      [{ callerCode: 'Malika +992 93' }, 'callerCode:INVALID_FORMAT'],
      [{ date: '2026-02-30' }, 'date:INVALID_DATE'],
      [{ topic: 'divorce' }, 'topic:UNKNOWN_CODE'],
      [{ callerSex: 'female' }, 'callerSex:UNKNOWN_CODE'],
      [{ callerAgeBand: '31' }, 'callerAgeBand:UNKNOWN_CODE'],
      [{ district: 'TJ-XX-NOPE' }, 'district:UNKNOWN_CODE'],
      [{ referredTo: 'the moon' }, 'referredTo:UNKNOWN_CODE'],
      [{ notes: 'z'.repeat(10_001) }, 'notes:OUT_OF_RANGE'],
    ];
    for (const [patch, expected] of bad) {
      const res = await node.gql(RECORD, { i: valid('VAL-1', patch) }, caseworker);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((res.errors?.[0].extensions?.details.fields as { field: string; code: string }[]).map((f) => `${f.field}:${f.code}`)).toEqual([expected]);
      expect(JSON.stringify(res.errors)).not.toContain(String(Object.values(patch)[0]).slice(0, 12));
    }
    // a required field left out is refused by GraphQL itself
    const noConsent = valid('VAL-1');
    delete noConsent.consentReporting;
    expect((await node.gql(RECORD, { i: noConsent }, caseworker)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM consultations WHERE consultation_code LIKE 'VAL-%'`);
    expect(n).toBe(0);
  });

  it('stores notes as ciphertext, logs the write (no value), and refuses recording the same consultation again', async () => {
    const notes = 'Caller Gulnora, Rudaki street 7, fears her brother-in-law';
    const res = await node.gql(RECORD, { i: valid('ENC-1', { notes, callerCode: 'CALLER-0002' }) }, manager);
    expect(res.data?.recordConsultation.notes).toBe(notes);
    const id = res.data?.recordConsultation.id as string;
    identifiers.push('ENC-1', 'CALLER-0002', notes);
    const [raw] = await node.dataSource.query('SELECT * FROM consultations WHERE id = $1', [id]);
    expect(raw.notes_enc).toMatch(/^enc2:k1:/);
    expect(JSON.stringify(raw)).not.toContain('Gulnora');
    expect(new KeyRing(keys).open(raw.notes_enc, 'consultations.notes_enc', id)).toBe(notes);

    const log = await node.dataSource.query(`SELECT action, object_type, actor_role, details FROM access_log WHERE object_id = $1`, [id]);
    expect(log).toEqual([{ action: 'case.create', object_type: 'consultation', actor_role: 'manager', details: {} }]);

    const again = await node.gql(RECORD, { i: valid('ENC-1', { notes: 'another note', date: '2026-01-13' }) }, caseworker);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'CONSULTATION_CODE_TAKEN', fields: [{ field: 'consultationCode', code: 'DUPLICATE' }] } });
    const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM consultations WHERE consultation_code = 'ENC-1'`);
    expect(n).toBe(1);
    const logs = node.logs.join('\n');
    for (const v of [notes, 'Gulnora', 'Malika']) expect(logs).not.toContain(v);

    // read back: a list without notes (nothing decrypted, nothing logged), one consultation with them (logged)
    const list = await node.gql('{ consultations(search: {callerCode: "CALLER-0002"}) { total offset items { id consultationCode notes } } }', {}, caseworker);
    expect(list.data?.consultations).toEqual({ total: 1, offset: 0, items: [{ id, consultationCode: 'ENC-1', notes: null }] });
    expect((await node.gql('{ consultations { total } }', {}, admin)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql('{ consultations(search: {from: "2026-13-01"}) { total } }', {}, caseworker)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // a range that ends before it starts: refused, as the incidents list refuses it (not an empty page)
    expect((await node.gql('{ consultations(search: {from: "2026-05-02", to: "2026-05-01"}) { total } }', {}, caseworker)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'to', code: 'DATE_ORDER' }] } });
    const one = await node.gql('query($id: ID!) { consultation(id: $id) { consultationCode notes } }', { id }, caseworker);
    expect(one.data?.consultation).toEqual({ consultationCode: 'ENC-1', notes });
    const reads = await node.dataSource.query(`SELECT actor_role FROM access_log WHERE object_id = $1 AND action = 'case.read'`, [id]);
    expect(reads).toEqual([{ actor_role: 'caseworker' }]);
    const none = await node.gql('query($id: ID!) { consultation(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, caseworker);
    expect(none.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('corrects a consultation or records a withdrawn consent: only the fields given, optional codes cleared by null, required ones not, logged by field name', async () => {
    const res = await node.gql(RECORD, { i: valid('FIX-C1', { callerCode: 'CALLER-0003', notes: 'Caller from the bakery' }) }, caseworker);
    const id = res.data?.recordConsultation.id as string;
    identifiers.push('FIX-C1', 'CALLER-0003', 'Caller from the bakery', 'Second call, same bakery');
    const UPDATE = 'mutation($i: UpdateConsultationInput!) { updateConsultation(input: $i) { consultationCode callerCode date topic callerSex callerAgeBand district referredTo consentReporting notes } }';
    const fixed = await node.gql(UPDATE, { i: { id, topic: 'domestic_violence', callerAgeBand: null, consentReporting: false, notes: 'Second call, same bakery' } }, manager);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data?.updateConsultation).toMatchObject({ consultationCode: 'FIX-C1', callerCode: 'CALLER-0003', topic: 'domestic_violence', callerAgeBand: null, district: 'TJ-DU-SIN', consentReporting: false, notes: 'Second call, same bakery' });
    const row = async () => (await node.dataSource.query('SELECT topic, caller_age_band, consent_reporting, caller_sex, notes_enc FROM consultations WHERE id = $1', [id]))[0];
    const saved = await row();
    expect(saved).toMatchObject({ topic: 'domestic_violence', caller_age_band: null, consent_reporting: false });
    expect(saved.notes_enc).toMatch(/^enc2:k1:/);
    for (const [i, field, code] of [
      [{ callerSex: null }, 'callerSex', 'REQUIRED'],
      [{ topic: 'weather' }, 'topic', 'UNKNOWN_CODE'],
      [{ date: '2026-02-30' }, 'date', 'INVALID_DATE'],
    ] as const) {
      const bad = await node.gql(UPDATE, { i: { id, notes: 'must not be kept', ...i } }, caseworker);
      expect({ i, ext: bad.errors?.[0].extensions }).toMatchObject({ i, ext: { code: 'BAD_USER_INPUT', details: { fields: [{ field, code }] } } });
      expect(await row()).toEqual(saved);
    }
    expect((await node.gql(UPDATE, { i: { id, topic: 'legal_questions' } }, admin)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(UPDATE, { i: { id: '00000000-0000-4000-8000-000000000000', topic: 'legal_questions' } }, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const log = await node.dataSource.query(`SELECT action, details FROM access_log WHERE object_id = $1 ORDER BY id`, [id]);
    expect(log).toEqual([
      { action: 'case.create', details: {} },
      { action: 'case.update', details: { fields: ['topic', 'callerAgeBand', 'consentReporting', 'notes'] } },
    ]);
    expect(node.logs.join('\n')).not.toMatch(/bakery|must not be kept/);
  });

  it('releases hotline_monthly with differential privacy: noised non-negative counts whose margins add up, per-caller caps, nothing identifiable; the budget refuses an overspend', async () => {
    // a hotline of ~200 consultations a month (every tenth without consent), and a few cases
    const fill = await fillSyntheticConsultations(
      node.dataSource,
      new KeyRing(keys),
      'DSH',
      generateHotlineConsultations({ seed: 'hotline-e2e', centre: { id: 'HOT', centreType: 'hotline', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-04-30', count: 800 }),
      { consentReporting: (c) => !c.consultationId.endsWith('0') },
    );
    expect(fill).toMatchObject({ consultations: 800, skipped: 0 });
    identifiers.push(...fill.identifiers);
    // filling twice duplicates nothing
    const twice = await fillSyntheticConsultations(node.dataSource, new KeyRing(keys), 'DSH', generateHotlineConsultations({ seed: 'hotline-e2e', centre: { id: 'HOT', centreType: 'hotline', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-04-30', count: 5 }));
    expect(twice).toMatchObject({ consultations: 0, skipped: 5 });
    const cases = await fillSyntheticRegister(node.dataSource, new KeyRing(keys), 'DSH', iterateRegister({ seed: 'hotline-cases', centre: { id: 'HOTC', centreType: 'hotline', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-04-30', incidents: 40 }));
    identifiers.push(...cases.identifiers);
    // one caller who called six times in January: three count
    for (let i = 0; i < 6; i++) expect((await node.gql(RECORD, { i: valid(`REP-${i}`, { callerCode: 'CALLER-REPEAT', date: `2026-01-2${i}`, notes: null }) }, caseworker)).errors).toBeUndefined();
    identifiers.push('CALLER-REPEAT');

    const progress: PrepareProgress[] = [];
    const jan = await releases.prepare('2026-01', NOW, (p) => progress.push(p));
    expect(jan.status).toBe('prepared');
    // the suppression tables' system (incidents and services are one unit each) reports each audit, the last one passing
    const units = [...new Set(progress.map((p) => p.unit))].sort();
    expect(units).toEqual(['incident', 'service']);
    for (const unit of units) {
      const mine = progress.filter((p) => p.unit === unit);
      expect(mine[mine.length - 1]).toMatchObject({ period: '2026-01', passed: true, failing: 0 });
      expect(mine.slice(0, -1).every((p) => !p.passed && p.failing > 0)).toBe(true);
    }
    expect(jan.releases.map((r) => r.datasetId).sort()).toEqual([HOTLINE, 'incidents_monthly', 'services_monthly']);
    const release = jan.releases.find((r) => r.datasetId === HOTLINE)!;
    // its own batch: noised on its own, not linked with the suppression tables
    expect(jan.releases.filter((r) => r.batchId === release.batchId)).toHaveLength(1);
    const payload = JSON.parse(release.payload as string) as SubmissionPayload;
    expect(payload.protection).toEqual({ method: 'differential_privacy', k: 5, protectionRange: 5, epsilon: 0.5 });
    expect(payload.dimensions).toEqual(['topic', 'caller_sex']);
    const topics = STANDARD.codelists.find((c) => c.id === 'hotline_topic')!.codes.map((c) => c.code);
    expect(payload.cells).toHaveLength((topics.length + 1) * 4);
    const value = new Map(payload.cells.map((c) => [c.key.join('|'), c.value as number]));
    for (const c of payload.cells) {
      expect(Number.isInteger(c.value) && (c.value as number) >= 0).toBe(true);
      expect([c.obsStatus, c.confStatus]).toEqual(['E', 'F']);
    }
    for (const t of topics) expect(value.get(`${t}|_T`)).toBe(['F', 'M', 'U'].reduce((s, x) => s + (value.get(`${t}|${x}`) as number), 0));
    for (const x of ['F', 'M', 'U', '_T']) expect(value.get(`_T|${x}`)).toBe(topics.reduce((s, t) => s + (value.get(`${t}|${x}`) as number), 0));

    // the report: every consented January consultation, at most three per caller
    const [truth] = await node.dataSource.query(
      `SELECT (SELECT count(*)::int FROM consultations WHERE date < '2026-02-01' AND NOT consent_reporting) AS no_consent,
              (SELECT count(*)::int FROM consultations WHERE date < '2026-02-01' AND consent_reporting AND caller_code IS NULL) AS anonymous,
              (SELECT sum(least(n, 3))::int FROM (SELECT count(*) AS n FROM consultations WHERE date < '2026-02-01' AND consent_reporting
                GROUP BY coalesce(caller_code, id::text)) s) AS counted`,
    );
    const report = release.report as any;
    expect(report).toMatchObject({ method: 'differential_privacy', epsilon: 0.5, epsilonRemaining: 5.5, recordsCounted: truth.counted, leftOut: { noConsent: truth.no_consent } });
    expect(report.leftOut.overContributionCap).toBeGreaterThanOrEqual(3);
    expect(report.rule).toContain('at most 3 records per client');
    // callers without a code: each consultation its own subject, said in the report the manager previews
    expect(truth.anonymous).toBeGreaterThan(0);
    expect(report.anonymousRecords).toBe(truth.anonymous);
    expect(report.rule).toContain(`${truth.anonymous} record(s) of clients without a code (anonymous callers)`);
    // a sanity bound only: 30 inner cells noised at scale 3/0.5 and clamped at 0 (sd of the total ~46, upward bias ~60)
    expect(Math.abs((value.get('_T|_T') as number) - truth.counted)).toBeLessThan(400);

    // the manager's preview shows the budget
    const preview = await node.gql(`query($id: ID!) { releasePreview(id: $id) { report { method epsilon epsilonRemaining recordsCounted anonymousRecords leftOut { overContributionCap } } } }`, { id: release.id }, manager);
    expect(preview.data?.releasePreview.report).toMatchObject({ method: 'differential_privacy', epsilon: 0.5, epsilonRemaining: 5.5, recordsCounted: truth.counted, anonymousRecords: truth.anonymous });

    // nothing identifiable in any payload nor in the logs
    const everything = jan.releases.map((r) => r.payload ?? '').join('\n');
    expect(identifiers.length).toBeGreaterThan(100);
    expect(identifiers.filter((v) => everything.includes(v) || node.logs.join('\n').includes(v))).toEqual([]);
    expect(/\d{4}-\d{2}-\d{2}(?!T)/.test(JSON.stringify(jan.releases.map((r) => (r.payload ? (JSON.parse(r.payload) as SubmissionPayload).cells : []))))).toBe(false);

    // The Association lowers the hotline's budget to two releases a year.
    const sync = node.app.get(StandardSyncService);
    await sync.store(withBudget('2026.2', 1));
    expect((await releases.approve(release.id, 'test')).status).toBe('approved');
    const ledger = await node.gql('{ releaseLedger { datasetId period epsilon } }', {}, manager);
    expect(ledger.data?.releaseLedger.filter((e: any) => e.datasetId === HOTLINE)).toEqual([{ datasetId: HOTLINE, period: '2026-01', epsilon: 0.5 }]);

    const hotline = async (period: string): Promise<any> => {
      const r = await releases.prepare(period, NOW);
      return { status: r.status, errorCode: r.errorCode, release: r.releases.find((x) => x.datasetId === HOTLINE) };
    };
    const feb = await hotline('2026-02');
    expect(feb.release).toMatchObject({ status: 'prepared', revision: 1 });
    expect(feb.release.report.epsilonRemaining).toBe(0);
    // February is prepared, not approved: its budget is reserved, so March is refused
    const mar = await hotline('2026-03');
    expect(mar).toMatchObject({ status: 'prepared', errorCode: 'BUDGET_EXHAUSTED', release: { status: 'blocked', errorCode: 'BUDGET_EXHAUSTED', payload: null } });
    // refused once, not at every run
    expect((await hotline('2026-03')).release).toBeUndefined();

    // a late February entry before approval: the table is prepared again, its earlier noise never left the node
    expect((await node.gql(RECORD, { i: valid('LATE-FEB', { date: '2026-02-10', notes: null }) }, caseworker)).errors).toBeUndefined();
    const feb2 = await hotline('2026-02');
    expect(feb2.release).toMatchObject({ status: 'prepared', revision: 1 });
    expect((await releases.get(feb.release.id)).status).toBe('superseded');
    expect((await releases.approve(feb2.release.id, 'test')).status).toBe('approved');

    // a late January entry after January was released: no revision (it would spend the budget again)
    expect((await node.gql(RECORD, { i: valid('LATE-JAN', { date: '2026-01-30', notes: null }) }, caseworker)).errors).toBeUndefined();
    expect((await hotline('2026-01')).release).toBeUndefined();

    // a larger budget (a new standard): March is tried again and prepared...
    await sync.store(withBudget('2026.3', 1.5));
    const mar2 = await hotline('2026-03');
    expect(mar2.release).toMatchObject({ status: 'prepared' });
    // ...but the budget is cut before approval: approving it would overspend, so it is blocked, never signed
    await sync.store(withBudget('2026.4', 1));
    // by the operator's CLI: exit 3, naming the reason (it exited 0, as if the release had been signed and queued)
    const saved = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: node.db.url, CENTRE_ID: TEST_CENTRE, JWT_SECRET: TEST_JWT_SECRET, NODE_ENCRYPTION_KEYS: keys, NODE_SIGNING_KEY: signing, LOG_LEVEL: 'silent' });
    delete process.env.HUB_URL;
    let viaCli;
    let blockedPayload;
    try {
      viaCli = await cli('approve', mar2.release.id);
      // March as first refused has no bytes to leave the centre: 3, not an empty line with 0 (read by a script as the payload)
      blockedPayload = await cli('preview', '--payload', mar.release.id);
    } finally {
      process.env = saved;
    }
    expect(viaCli).toMatchObject({ code: 3, err: expect.stringContaining('blocked, not approved: BUDGET_EXHAUSTED') });
    expect(blockedPayload).toMatchObject({ code: 3, out: '', err: expect.stringContaining('has no payload: it is blocked (BUDGET_EXHAUSTED)') });
    const approved = await releases.get(mar2.release.id);
    expect(approved).toMatchObject({ status: 'blocked', errorCode: 'BUDGET_EXHAUSTED' });
    const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM release_outbox WHERE dataset_id = $1`, [HOTLINE]);
    expect(n).toBe(2);
    const spent = (await releases.ledger()).filter((r) => r.datasetId === HOTLINE).reduce((s, r) => s + (r.payload.protection.epsilon ?? 0), 0);
    expect(spent).toBe(1);
  });

  it('a release the hub refused is prepared again, keeping its revision, once the standard it was prepared on has changed; not before', async () => {
    const sync = node.app.get(StandardSyncService);
    for (let i = 0; i < 3; i++) {
      expect((await node.gql(RECORD, { i: valid(`REFUSED-${i}`, { date: '2025-06-1' + i, notes: null }) }, caseworker)).errors).toBeUndefined();
    }
    const hotline = async (): Promise<any> => (await releases.prepare('2025-06', NOW)).releases.find((x) => x.datasetId === HOTLINE);
    const first = await hotline();
    expect(first).toMatchObject({ status: 'prepared', revision: 1 });
    expect((await releases.approve(first.id, 'test')).status).toBe('approved');
    // the hub refused it (say, for a k the Association had raised meanwhile), as the outbox records a refusal
    await node.dataSource.query(`UPDATE releases SET status = 'refused', error_code = 'K_TOO_LOW' WHERE id = $1`, [first.id]);
    await node.dataSource.query(`UPDATE release_outbox SET status = 'refused', attempts = 1, summary = '{"status":"ERROR"}'::jsonb WHERE release_id = $1`, [first.id]);
    // the same standard, the same figures: the same bytes would be refused again, nothing is prepared
    expect(await hotline()).toBeUndefined();
    // the node pulls the Association's new standard: the period is prepared again, as revision 1 still (the hub holds none)
    await sync.store(withBudget('2026.9', 3));
    const again = await hotline();
    expect(again).toMatchObject({ status: 'prepared', revision: 1, schemaVersion: '2026.9' });
    expect((await releases.get(first.id)).status).toBe('superseded');
    // the refused table's noise reached the hub: its epsilon stays spent, out of the ledger as it is (3 - 0.5 - 0.5)
    expect(again.report.epsilonRemaining).toBe(2);
    expect(await hotline()).toBeUndefined();
  });

  it('treats caller codes case-insensitively: kept in capitals, so one caller is one subject of the differential privacy caps', async () => {
    const a = await node.gql(RECORD, { i: valid('CASE-C1', { callerCode: 'h-17', date: '2025-02-03', notes: null }) }, caseworker);
    const b = await node.gql(RECORD, { i: valid('CASE-C2', { callerCode: 'H-17', date: '2025-02-04', notes: null }) }, caseworker);
    expect([a.data?.recordConsultation.callerCode, b.data?.recordConsultation.callerCode]).toEqual(['H-17', 'H-17']);
    const found = await node.gql('{ consultations(search: {callerCode: "h-17"}) { total items { consultationCode } } }', {}, caseworker);
    expect(found.data?.consultations.total).toBe(2);
    const hotline = STANDARD.datasets.find((d) => d.id === HOTLINE)!;
    const february = async (): Promise<number> => {
      const e = await node.app.get(ReleaseProjection).extract(node.dataSource.manager, TEST_CENTRE, 'consultation', [hotline], '2025-02');
      return new Set(e.rows.map((r) => r.subject)).size;
    };
    expect(await february()).toBe(1);
    // the migration puts codes written before in capitals (written here without the check that now keeps them so)
    const id = a.data?.recordConsultation.id as string;
    await node.dataSource.query('ALTER TABLE consultations DROP CONSTRAINT consultations_caller_upper_check');
    await node.dataSource.query(`UPDATE consultations SET caller_code = 'h-17' WHERE id = $1`, [id]);
    expect(await february()).toBe(2);
    const runner = node.dataSource.createQueryRunner();
    try {
      await new CallerCodesUpper1764800000000().up(runner);
    } finally {
      await runner.release();
      await node.dataSource.query(`ALTER TABLE consultations ADD CONSTRAINT consultations_caller_upper_check CHECK (caller_code IS NULL OR caller_code = upper(caller_code)) NOT VALID`);
    }
    expect(await node.dataSource.query(`SELECT caller_code FROM consultations WHERE id = $1`, [id])).toEqual([{ caller_code: 'H-17' }]);
    expect(await february()).toBe(1);
  });

  it('lets a manager remove a consultation entered in error, logged by id; a hotline table not yet approved is prepared again', async () => {
    const first = await node.gql(RECORD, { i: valid('DEL-C1', { date: '2025-03-03', notes: null }) }, caseworker);
    const twice = await node.gql(RECORD, { i: valid('DEL-C2', { date: '2025-03-03', notes: 'Entered twice by the night shift' }) }, caseworker);
    const id = twice.data?.recordConsultation.id as string;
    const hotline = async (): Promise<any> => (await releases.prepare('2025-03', NOW)).releases.find((x) => x.datasetId === HOTLINE);
    const prepared = await hotline();
    expect(prepared).toMatchObject({ status: 'prepared', revision: 1 });

    const DELETE = 'mutation($id: ID!) { deleteConsultation(id: $id) }';
    expect((await node.gql(DELETE, { id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    for (const token of [caseworker, admin]) expect((await node.gql(DELETE, { id }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await node.gql(DELETE, { id }, manager)).data?.deleteConsultation).toBe(id);
    expect((await node.gql(DELETE, { id }, manager)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', details: { fields: [{ field: 'id', code: 'NOT_FOUND' }] } });
    expect((await node.gql('query($id: ID!) { consultation(id: $id) { id } }', { id }, caseworker)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await node.gql('query($id: ID!) { consultation(id: $id) { id } }', { id: first.data?.recordConsultation.id }, caseworker)).errors).toBeUndefined();
    const log = await node.dataSource.query(`SELECT actor_role, object_type, details FROM access_log WHERE object_id = $1 AND action = 'case.delete'`, [id]);
    expect(log).toEqual([{ actor_role: 'manager', object_type: 'consultation', details: {} }]);

    // the next release check noises the corrected month again (its earlier noise never left the node)
    const again = await hotline();
    expect(again).toMatchObject({ status: 'prepared', revision: 1 });
    expect(again.inputFingerprint).not.toBe(prepared.inputFingerprint);
    expect((await releases.get(prepared.id)).status).toBe('superseded');
    expect(node.logs.join('\n')).not.toContain('night shift');
  });

  it('two differential-privacy tables of one preparation share the budget: the second is blocked when both would overspend it', async () => {
    const sync = node.app.get(StandardSyncService);
    const COPY = 'hotline_monthly_copy';
    const hotline = STANDARD.datasets.find((d) => d.id === HOTLINE)!;
    const policy = { epsilonPerRelease: 0.5, annualEpsilon: 0.75, maxContributionsPerClient: 3 };
    const two: Standard = {
      ...STANDARD,
      version: '2026.20',
      datasets: [
        ...STANDARD.datasets.map((d) => (d.id === HOTLINE ? { ...d, protection: { ...d.protection, differentialPrivacy: policy } } : d)),
        { ...hotline, id: COPY, protection: { ...hotline.protection, differentialPrivacy: policy } },
      ],
    };
    await sync.store(two);
    for (let i = 0; i < 3; i++) expect((await node.gql(RECORD, { i: valid(`TWO-${i}`, { date: `2024-05-1${i}`, notes: null }) }, caseworker)).errors).toBeUndefined();
    const result = await releases.prepare('2024-05', NOW);
    const mine = result.releases.filter((r) => r.datasetId === HOTLINE || r.datasetId === COPY).map((r) => r.status).sort();
    // each alone fits 0.75; together they would spend 1 (approval would have blocked the second, after a preview that promised it)
    expect(mine).toEqual(['blocked', 'prepared']);
    expect(result.releases.find((r) => r.status === 'blocked')).toMatchObject({ errorCode: 'BUDGET_EXHAUSTED' });
  });

  it("exports each consultation as the standard's consultation record, its consent to reporting included", async () => {
    expect((await node.gql(RECORD, { i: valid('EXP-C1', { consentReporting: false, date: '2025-04-02' }) }, caseworker)).errors).toBeUndefined();
    const rows: ExportValue[][] = [];
    for await (const row of consultationRows(node.dataSource.manager, new KeyRing(keys), TEST_CENTRE)) rows.push(row);
    expect(rows.map((r) => r[0])).toContain('EXP-C1');
    const invalid: unknown[] = [];
    for (const row of rows) {
      // the export's columns are the node's field names: the consultation code is the record's id
      const { consultationCode, ...fields } = Object.fromEntries(CONSULTATION_COLUMNS.map((c, i) => [c, row[i]]));
      const r = validateCaseRecord('consultation', { consultationId: consultationCode, ...fields });
      if (!r.valid) invalid.push({ consultationCode, errors: r.errors });
      if (consultationCode === 'EXP-C1') expect(r.record?.consentReporting).toBe(false);
    }
    expect(invalid).toEqual([]);
  });
});
