import { Logger } from '@nestjs/common';
import * as anonymizer from '@paivand/anonymizer';
import { STANDARD, Standard, SubmissionPayload } from '@paivand/schema';
import { iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { NodeSigningKey } from '../src/federation/signing-key';
import { ReleaseScheduler } from '../src/releases/release.scheduler';
import { ReleaseEntity } from '../src/releases/release.entity';
import { PrepareResult, ReleasesService } from '../src/releases/releases.service';
import { fillSyntheticRegister } from '../src/releases/synthetic-register';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { newKey, NodeTestApp, startNodeTestApp } from './utils/node-test-app';

// The release job keeps every released period up to date, whatever its age and whether or not
// the register still holds data for it: a withdrawn consent or a deleted case leaves the hub.

jest.setTimeout(300_000);

// protectRelease as it is, unless a test says otherwise (mockImplementationOnce)
jest.mock('@paivand/anonymizer', () => {
  const actual = jest.requireActual<typeof anonymizer>('@paivand/anonymizer');
  return { ...actual, protectRelease: jest.fn(actual.protectRelease) };
});

const NOW = new Date('2025-04-20T00:00:00Z');

/** A node that can sign (approve) releases, with its own database. */
async function startNode(centre: string, keys: string, env: Record<string, string> = {}): Promise<NodeTestApp> {
  const node = await startNodeTestApp({ CENTRE_ID: centre, MEMBER_ID: 'M1', NODE_ENCRYPTION_KEYS: keys, NODE_SIGNING_KEY: NodeSigningKey.generate().privateKeyPem, FEDERATION_JOBS: 'false', ...env });
  // the app never listens here, so Nest keeps buffering the lines of its Logger: write them to the node's log
  Logger.flush();
  return node;
}

/** Synthetic cases reported between `from` and `to`. */
function fill(node: NodeTestApp, keys: string, centreId: string, prefix: string, from: string, to: string, incidents: number): Promise<unknown> {
  const centre = { id: prefix, centreType: 'crisis_centre' as const, region: 'TJ-SU' };
  return fillSyntheticRegister(node.dataSource, new KeyRing(keys), centreId, iterateRegister({ seed: `rev-${prefix}`, centre, from, to, incidents }));
}

/** Prepares a period and approves every table of it: its figures are in the ledger. */
async function approvePeriod(releases: ReleasesService, period: string): Promise<Record<string, ReleaseEntity>> {
  const out: Record<string, ReleaseEntity> = {};
  for (const r of (await releases.prepare(period, NOW)).releases) out[r.datasetId] = await releases.approve(r.id, 'staff:manager');
  return out;
}

const resultOf = (results: PrepareResult[], period: string): PrepareResult | undefined => results.find((r) => r.period === period);
const tableOf = (r: PrepareResult | undefined, datasetId: string): ReleaseEntity | undefined => r?.releases.find((x) => x.datasetId === datasetId);
const cellsOf = (r: ReleaseEntity): SubmissionPayload['cells'] => (JSON.parse(r.payload as string) as SubmissionPayload).cells;

describe('member node: the release job revises every released period', () => {
  const keys = `k1:${newKey()}`;
  const nodes: NodeTestApp[] = [];
  afterAll(() => Promise.all(nodes.map((n) => n.close())));

  it('a consent withdrawn for an incident of a released period older than RELEASE_LOOKBACK_MONTHS leaves its next revision', async () => {
    const centre = 'rev-old';
    const node = await startNode(centre, keys, { RELEASE_LOOKBACK_MONTHS: '3' });
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    const scheduler = node.app.get(ReleaseScheduler);
    await fill(node, keys, centre, 'OLD', '2024-06-01', '2024-06-30', 200);
    const june = await approvePeriod(releases, '2024-06');
    expect(june.incidents_monthly).toMatchObject({ status: 'approved', revision: 1 });

    // nothing changed: the old period is checked and left as it is (the day's first scheduled run checks it)
    expect(resultOf(await scheduler.runScheduled(NOW), '2024-06')).toMatchObject({ status: 'nothing', releases: [] });

    const [incident] = await node.dataSource.query<{ id: string }[]>(
      `SELECT id FROM incidents WHERE centre_id = $1 AND consent_reporting AND NOT reported_by_other_member AND reported_date >= '2024-06-01' AND reported_date < '2024-07-01' ORDER BY id LIMIT 1`,
      [centre],
    );
    const caseworker = await node.signIn('caseworker');
    const withdrawn = await node.gql('mutation($i: UpdateConsentInput!) { updateConsent(input: $i) { consent { reporting } } }', { i: { incidentId: incident.id, consent: { services: true, reporting: false } } }, caseworker);
    expect(withdrawn.data?.updateConsent.consent).toEqual({ reporting: false });

    expect(await scheduler.duePeriods(NOW)).toContain('2024-06');
    // the hourly job checks periods before the lookback window once a day: a first run today did, the next leaves June for tomorrow
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(resultOf(await scheduler.runScheduled(later), '2024-06')).toBeUndefined();
    const revised = resultOf(await scheduler.runScheduled(new Date(NOW.getTime() + 86_400_000)), '2024-06');
    expect(revised?.status).toBe('prepared');
    const next = tableOf(revised, 'incidents_monthly') as ReleaseEntity;
    expect(next).toMatchObject({ status: 'prepared', revision: 2 });
    expect(next.inputFingerprint).not.toBe(june.incidents_monthly.inputFingerprint);
    // the window of new periods is unchanged: no month before it is prepared for the first time
    expect(await scheduler.duePeriods(NOW)).toEqual(['2024-06', '2025-01', '2025-02', '2025-03', '2025-Q1']);
  });

  it("the centre's first month, released, then every incident of it deleted: revised with no incident counted", async () => {
    const centre = 'rev-first';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    const scheduler = node.app.get(ReleaseScheduler);
    await fill(node, keys, centre, 'JAN', '2025-01-01', '2025-01-31', 20);
    await fill(node, keys, centre, 'LATER', '2025-02-01', '2025-03-31', 100);
    const jan = await approvePeriod(releases, '2025-01');
    expect(cellsOf(jan.incidents_monthly).some((c) => (c.value ?? 0) > 0)).toBe(true);

    const manager = await node.signIn('manager');
    const doomed = await node.dataSource.query<{ id: string }[]>(`SELECT id FROM incidents WHERE centre_id = $1 AND reported_date < '2025-02-01'`, [centre]);
    expect(doomed.length).toBeGreaterThan(0);
    for (const { id } of doomed) expect((await node.gql('mutation($id: ID!) { deleteIncident(id: $id) { id } }', { id }, manager)).errors).toBeUndefined();

    expect(await scheduler.duePeriods(NOW)).toContain('2025-01');
    const revised = resultOf(await scheduler.runDue(NOW), '2025-01');
    expect(revised?.status).toBe('prepared');
    const next = tableOf(revised, 'incidents_monthly') as ReleaseEntity;
    expect(next).toMatchObject({ status: 'prepared', revision: 2 });
    expect(next.report).toMatchObject({ recordsCounted: 0 });
    // zeros, or hidden where a cell moved by 1..k-1 since the release it revises: nothing counted
    expect(cellsOf(next).filter((c) => (c.value ?? 0) > 0)).toEqual([]);
  });

  it('a refused table that changed while the anonymizer refused its replacement is left as it is, and so is the period: the next run revises it', async () => {
    const centre = 'rev-refused';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    await fill(node, keys, centre, 'MAR', '2025-03-01', '2025-03-31', 200);
    const march = await approvePeriod(releases, '2025-03');
    const ids = Object.values(march).map((r) => r.id);
    // the hub refused both tables
    await node.dataSource.query(`UPDATE releases SET status = 'refused' WHERE id = ANY($1::uuid[])`, [ids]);
    await fill(node, keys, centre, 'MARLATE', '2025-03-10', '2025-03-20', 30);

    // while the anonymizer works on their replacements, the refused tables are sent again (approved), then it refuses
    jest.mocked(anonymizer.protectRelease).mockImplementationOnce(async () => {
      await node.dataSource.query(`UPDATE releases SET status = 'approved' WHERE id = ANY($1::uuid[])`, [ids]);
      throw new anonymizer.AnonymizerError('TABLE_TOO_LARGE', 'too large');
    });
    const refused = await releases.prepare('2025-03', NOW);
    expect(refused).toMatchObject({ status: 'nothing', releases: [] });
    expect(await node.dataSource.query(`SELECT status FROM releases WHERE period = '2025-03' ORDER BY status`)).toEqual([{ status: 'approved' }, { status: 'approved' }]);

    // the late entries are still to be released: the next run revises both tables
    const next = await releases.prepare('2025-03', NOW);
    expect(next.releases.map((r) => `${r.datasetId} ${r.revision} ${r.status}`).sort()).toEqual(['incidents_monthly 2 prepared', 'services_monthly 2 prepared']);
  });
  it('late entries for a month of a quarter already released: the month is revised, then the quarter (each blocked the other before)', async () => {
    const centre = 'rev-quarter';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    // the Association adds a quarterly incidents table beside the monthly one
    const quarterly = { ...STANDARD.datasets[0], id: 'incidents_quarterly', periodType: 'quarter' as const, dimensions: STANDARD.datasets[0].dimensions.slice(0, 2) };
    const next: Standard = { ...STANDARD, version: '2026.2', datasets: [...STANDARD.datasets, quarterly] };
    await node.app.get(StandardSyncService).store(next);
    await fill(node, keys, centre, 'QTR', '2025-01-01', '2025-03-31', 450);
    for (const period of ['2025-01', '2025-02', '2025-03']) expect((await approvePeriod(releases, period)).incidents_monthly).toMatchObject({ status: 'approved', revision: 1 });
    const q1 = await approvePeriod(releases, '2025-Q1');
    expect(q1.incidents_quarterly).toMatchObject({ status: 'approved', revision: 1 });

    // late February entries: February first, as the release job takes periods, then the quarter
    await fill(node, keys, centre, 'QLATE', '2025-02-03', '2025-02-25', 100);
    const feb = await releases.prepare('2025-02', NOW);
    expect(feb).toMatchObject({ status: 'prepared' });
    expect(tableOf(feb, 'incidents_monthly')).toMatchObject({ status: 'prepared', revision: 2, errorCode: null });
    for (const r of feb.releases) await releases.approve(r.id, 'staff:manager');
    const quarter = await releases.prepare('2025-Q1', NOW);
    expect(tableOf(quarter, 'incidents_quarterly')).toMatchObject({ status: 'prepared', revision: 2, errorCode: null });
    const before = new Map(cellsOf(q1.incidents_quarterly).map((c) => [c.key.join('|'), c.value]));
    // the late entries show: a published figure of the quarter moved
    expect(cellsOf(tableOf(quarter, 'incidents_quarterly') as ReleaseEntity).some((c) => c.value !== null && (before.get(c.key.join('|')) ?? null) !== null && before.get(c.key.join('|')) !== c.value)).toBe(true);
  });

  it('a quarter whose months were never revised in the ledger, prepared after late entries whose revision the hub refused: blocked, and the manager reads which revision was refused', async () => {
    const centre = 'rev-refused';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    const quarterly = { ...STANDARD.datasets[0], id: 'incidents_quarterly', periodType: 'quarter' as const, dimensions: STANDARD.datasets[0].dimensions.slice(0, 2) };
    await node.app.get(StandardSyncService).store({ ...STANDARD, version: '2026.2', datasets: [...STANDARD.datasets, quarterly] });
    await fill(node, keys, centre, 'RQ', '2025-01-01', '2025-03-31', 450);
    for (const period of ['2025-01', '2025-02', '2025-03']) await approvePeriod(releases, period);
    // late March entries; March's revision is approved, and the hub refuses it: the ledger keeps March as first released
    await fill(node, keys, centre, 'RQLATE', '2025-03-03', '2025-03-28', 60);
    const march = await approvePeriod(releases, '2025-03');
    expect(march.incidents_monthly).toMatchObject({ status: 'approved', revision: 2 });
    await node.dataSource.query(`UPDATE releases SET status = 'refused' WHERE period = '2025-03' AND revision = 2`);
    // no earlier revision in the ledger covers the quarter: every release counts as it stands, and the quarter's
    // counts contradict March as released
    const quarter = tableOf(await releases.prepare('2025-Q1', NOW), 'incidents_quarterly');
    expect(quarter).toMatchObject({ status: 'blocked', errorCode: 'LEDGER_INCONSISTENT', payload: null });
    expect(quarter?.errorMessage).toContain('the hub refused incidents_monthly 2025-03 rev 2');
    expect(quarter?.errorMessage).toContain('so the ledger still holds the earlier figures');
  });

  it('the true counts of the cells a release hides stay on the node, and its revision is audited with them', async () => {
    const centre = 'rev-withheld';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    await fill(node, keys, centre, 'WHF', '2025-02-01', '2025-02-28', 200);
    // what prepare hands back (the CLI prints it as JSON) carries none
    const prepared = await releases.prepare('2025-02', NOW);
    expect(prepared.releases.length).toBeGreaterThan(0);
    for (const r of prepared.releases) expect(r).not.toHaveProperty('withheld');
    const feb: Record<string, ReleaseEntity> = {};
    for (const r of prepared.releases) feb[r.datasetId] = await releases.approve(r.id, 'staff:manager');
    const first = feb.incidents_monthly;
    // kept beside the release (approving it keeps them), one per hidden cell, never loaded with it
    const [{ withheld }] = await node.dataSource.query<{ withheld: { key: string[]; value: number }[] }[]>('SELECT withheld FROM releases WHERE id = $1', [first.id]);
    expect(withheld).not.toBeNull();
    expect(first.withheld ?? undefined).toBeUndefined();
    expect(await releases.get(first.id)).not.toHaveProperty('withheld');
    const hidden = cellsOf(first).filter((c) => c.value === null);
    expect(hidden.length).toBeGreaterThan(0);
    expect(withheld.map((c) => c.key)).toEqual(hidden.map((c) => c.key));
    expect(withheld.every((c) => Number.isInteger(c.value) && c.value >= 0)).toBe(true);
    expect(withheld.some((c) => c.value > 0)).toBe(true);
    // nor in what the manager previews (or what is pushed: the payload)
    expect(first.payload).not.toContain('withheld');
    const manager = await node.signIn('manager');
    const preview = await node.gql('query($id: ID!) { releasePreview(id: $id) { payload } }', { id: first.id }, manager);
    expect(preview.errors).toBeUndefined();
    expect(JSON.stringify(preview.data)).not.toContain('withheld');

    // late entries: the revision's audit reads the ledger with the counts the first release hid
    await fill(node, keys, centre, 'WHL', '2025-02-01', '2025-02-28', 120);
    const protect = anonymizer.protectRelease as jest.Mock;
    protect.mockClear();
    const revised = tableOf(await releases.prepare('2025-02', NOW), 'incidents_monthly') as ReleaseEntity;
    expect(revised).toMatchObject({ status: 'prepared', revision: 2 });
    const ledger = (protect.mock.calls[0][0] as anonymizer.ProtectReleaseInput).ledger ?? [];
    const entry = ledger.find((e) => e.datasetId === 'incidents_monthly' && e.period === '2025-02');
    expect(entry?.cells.filter((c) => c.value === null).map((c) => [c.key, c.withheld])).toEqual(withheld.map((c) => [c.key, c.value]));
    expect(entry?.cells.filter((c) => c.value !== null).every((c) => c.withheld === undefined)).toBe(true);
  });

  it("a hotline table prepared before the centre's only consultation was deleted (entered in error) is prepared again without it", async () => {
    const centre = 'rev-hotline';
    const node = await startNode(centre, keys);
    nodes.push(node);
    const releases = node.app.get(ReleasesService);
    const caseworker = await node.signIn('caseworker');
    const manager = await node.signIn('manager');
    const input = { consultationCode: 'ERR-1', callerCode: 'CALLER-1', date: '2025-02-12', topic: 'legal_questions', callerSex: 'F', callerAgeBand: 'Y25T34', district: 'TJ-DU-SIN', callerIsSurvivor: true, referredTo: 'legal_aid', consentReporting: true };
    const recorded = await node.gql('mutation($i: RecordConsultationInput!) { recordConsultation(input: $i) { id } }', { i: input }, caseworker);
    const id = recorded.data?.recordConsultation.id as string;
    const first = tableOf(await releases.prepare('2025-02', NOW), 'hotline_monthly') as ReleaseEntity;
    expect(first).toMatchObject({ status: 'prepared', revision: 1 });
    expect((await node.gql('mutation($id: ID!) { deleteConsultation(id: $id) }', { id }, manager)).data?.deleteConsultation).toBe(id);
    // no consultation left: the table that counts the deleted one is not left approvable
    const again = tableOf(await releases.prepare('2025-02', NOW), 'hotline_monthly') as ReleaseEntity;
    expect(again).toMatchObject({ status: 'prepared', revision: 1 });
    expect((await releases.get(first.id)).status).toBe('superseded');
  });
});
