import { DataSource } from 'typeorm';
import { STANDARD, Standard, StandardIndex, SubmissionPayload } from '@paivand/schema';
import { SeedResult } from '../../apps/hub-api/src/seed/seed-hub';
import { NodeSigningKey } from '../../apps/member-node/src/federation/signing-key';
import { payloadBytesOf } from '../../apps/member-node/src/outbox/signed-body';
import { ReleaseScheduler } from '../../apps/member-node/src/releases/release.scheduler';
import { StandardSyncService } from '../../apps/member-node/src/standard-sync/standard-sync.service';
import { CliResult, runCli } from '../../apps/member-node/test/utils/cli';
import { newKey, nodeTestDatabase, NodeTestApp, startNodeTestApp, TEST_JWT_SECRET } from '../../apps/member-node/test/utils/node-test-app';
import { TestDatabase } from '../harness/database';
import { fillNode, RunningHub } from './federation-harness';

jest.setTimeout(300_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are checked field by field */

const NOW = new Date('2025-04-20T00:00:00Z');
const CENTRE = 'fed-centre';
const PREVIEW = `query($id: ID!) { releasePreview(id: $id) { payload release { id status datasetId period revision }
  cells { key labels { dimension code tg ru en } value obsStatus confStatus } report { auditPassed k cellsPrimary cellsSecondary recordsCounted } outbox { status summary { status } } } }`;

/** Every body handed to the network for /api/v1/submissions (the exact bytes that left a node). */
const sent: string[] = [];
const realFetch = globalThis.fetch;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('federation: two member nodes and a hub, end to end', () => {
  let hub: RunningHub;
  let seed: SeedResult;
  const keysA = `k1:${newKey()}`;
  const keysB = `k1:${newKey()}`;
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let nodeA: NodeTestApp;
  let nodeB: NodeTestApp;
  let managerA: string;
  let managerB: string;
  let caseworkerA: string;
  const identifiers: string[] = [];

  const nodeEnv = (m: SeedResult['members'][number], keys: string, extra: Record<string, string> = {}): Record<string, string> => ({
    // Passport strategies are process-wide: two node apps in one process must share CENTRE_ID
    // (the JWT audience); MEMBER_ID is what the hub knows each node by.
    CENTRE_ID: CENTRE,
    MEMBER_ID: m.memberId,
    NODE_ENCRYPTION_KEYS: keys,
    HUB_URL: hub.url,
    HUB_CLIENT_ID: m.clientId,
    HUB_CLIENT_SECRET: m.clientSecret,
    NODE_SIGNING_KEY: m.privateKeyPem,
    OUTBOX_PUSH_INTERVAL_MS: '100',
    OUTBOX_BACKOFF_BASE_MS: '50',
    OUTBOX_BACKOFF_CAP_MS: '300',
    RELEASE_CHECK_INTERVAL_MS: '3600000',
    ...extra,
  });
  const hubCount = async (memberId: string): Promise<{ n: number; distinct: number }> => {
    const [r] = await hub.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT (dataset_id, period, revision))::int AS distinct FROM submissions WHERE member_id = $1`,
      [memberId],
    );
    return r;
  };
  /** Node A restarted on its own database with `extra` in its environment; its manager signs in again. */
  const restartNodeA = async (extra: Record<string, string> = {}): Promise<void> => {
    await nodeA.close();
    nodeA = await startNodeTestApp(nodeEnv(seed.members[0], keysA, extra), dbA);
    managerA = await nodeA.signIn('manager');
  };
  const pending = async (ds: DataSource): Promise<number> => (await ds.query(`SELECT count(*)::int AS n FROM release_outbox WHERE status = 'pending'`))[0].n;

  beforeAll(async () => {
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input: string | URL | Request, init?: RequestInit) => {
      if ((input instanceof Request ? input.url : input.toString()).includes('/api/v1/submissions') && typeof init?.body === 'string') sent.push(init.body);
      return realFetch(input, init);
    });
    ({ hub, seed } = await RunningHub.create());
    [dbA, dbB] = await Promise.all([nodeTestDatabase(), nodeTestDatabase()]);
    nodeA = await startNodeTestApp(nodeEnv(seed.members[0], keysA), dbA);
    // node B approves automatically (the centre chose it)
    nodeB = await startNodeTestApp(nodeEnv(seed.members[1], keysB, { AUTO_APPROVE: 'true' }), dbB);
    const [fa, fb] = await Promise.all([
      fillNode(nodeA.dataSource, keysA, CENTRE, 'GUL', '2025-01-01', '2025-03-31', 600, 'fed-a'),
      fillNode(nodeB.dataSource, keysB, CENTRE, 'PAN', '2025-01-01', '2025-03-31', 450, 'fed-b'),
    ]);
    identifiers.push(...fa.identifiers, ...fb.identifiers);
    [managerA, caseworkerA, managerB] = await Promise.all([nodeA.signIn('manager'), nodeA.signIn('caseworker'), nodeB.signIn('manager')]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await nodeA?.close();
    await nodeB?.close();
    await hub?.destroy();
    await Promise.all([dbA?.drop(), dbB?.drop()]);
  });

  it('node A: the manager previews, approves; what is pushed is the preview byte for byte; the hub serves it', async () => {
    expect((await nodeA.gql('{ releases { id } }', {}, caseworkerA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await nodeA.gql('mutation { prepareReleases { period } }', {}, caseworkerA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const results = await nodeA.app.get(ReleaseScheduler).runDue(NOW);
    expect(results.map((r) => `${r.period}:${r.status}`)).toEqual(['2025-01:prepared', '2025-02:prepared', '2025-03:prepared', '2025-Q1:prepared']);
    // a second run finds nothing new
    expect((await nodeA.app.get(ReleaseScheduler).runDue(NOW)).every((r) => r.status === 'nothing')).toBe(true);

    const list = await nodeA.gql('{ releases(input: {status: "prepared"}) { id datasetId period } }', {}, managerA);
    const ids = (list.data?.releases as any[]).map((r) => r.id as string);
    expect(ids).toHaveLength(7); // incidents + services for three months, clients for the quarter
    const previews = new Map<string, any>();
    for (const id of ids) {
      const p = (await nodeA.gql(PREVIEW, { id }, managerA)).data?.releasePreview;
      expect(p.report.auditPassed).toBe(true);
      expect(p.cells.length).toBeGreaterThan(0);
      const hidden = p.cells.filter((c: any) => c.value === null);
      // withheld, one status for all: whether a cell is a small count or its complement is not told
      expect(hidden.every((c: any) => c.obsStatus === 'Q' && c.confStatus === 'C')).toBe(true);
      expect(p.cells.filter((c: any) => c.value !== null).every((c: any) => c.value === 0 || c.value >= p.report.k)).toBe(true);
      const total = p.cells.find((c: any) => c.key.every((k: string) => k === '_T'));
      expect(total.labels[0]).toMatchObject({ code: '_T', en: 'Total', ru: 'Всего' });
      // every code's labels are the standard's own in all three languages, never the code echoed back
      const index = new StandardIndex(STANDARD);
      const ds = index.dataset(p.release.datasetId)!;
      for (const c of p.cells.filter((x: any) => x.key.some((k: string) => k !== '_T'))) {
        c.labels.forEach((l: any, d: number) => {
          if (l.code === '_T') return;
          const want = (lang: 'tg' | 'ru' | 'en'): string | undefined => index.label(ds.dimensions[d].codelist, l.code, lang);
          expect(l).toEqual({ dimension: ds.dimensions[d].id, code: l.code, tg: want('tg'), ru: want('ru'), en: want('en') });
          expect([l.tg, l.ru, l.en]).not.toContain(l.code);
        });
      }
      previews.set(id, p);
    }
    expect((await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { id } }', { id: ids[0] }, caseworkerA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const id of ids) {
      const a = await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id }, managerA);
      expect(a.data?.approveRelease.status).toBe('approved');
    }
    await waitFor('node A outbox drained', async () => (await pending(nodeA.dataSource)) === 0);

    // byte for byte: the payload inside every pushed body is the previewed payload
    const pushedPayloads = sent.map(payloadBytesOf);
    for (const p of previews.values()) expect(pushedPayloads).toContain(p.payload);
    const outbox = (await nodeA.gql('{ outbox { status releaseId summary { status imported } } }', {}, managerA)).data?.outbox as any[];
    expect(outbox).toHaveLength(7);
    // counts are per cell (DHIS2 style): every cell of every release imported, none rejected
    expect(outbox.map((o) => `${o.status}:${o.summary.status}`)).toEqual(Array(7).fill('delivered:SUCCESS'));
    expect(outbox.every((o) => o.summary.imported > 0)).toBe(true);
    expect(((await nodeA.gql('{ outbox(first: 2) { releaseId } }', {}, managerA)).data?.outbox as any[]).map((o) => o.releaseId)).toEqual(outbox.slice(0, 2).map((o) => o.releaseId));
    for (const first of [0, 501]) {
      const refused = await nodeA.gql(`{ outbox(first: ${first}) { releaseId } }`, {}, managerA);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'first', code: 'OUT_OF_RANGE' }] } });
    }
    expect(await hubCount(seed.members[0].memberId)).toEqual({ n: 7, distinct: 7 });

    // served: the Association sees node A's figures as sent
    const admin = await loginHub('coordinator@association.example.tj', seed.password);
    const stats = await hubGql(
      `query($q: StatisticsQueryInput!) { statistics(query: $q) { cells { memberId key value } } }`,
      { q: { datasetId: 'incidents_monthly', from: '2025-01', to: '2025-01', groupBy: [], byMember: true } },
      admin,
    );
    const jan = [...previews.values()].find((p) => p.release.datasetId === 'incidents_monthly' && p.release.period === '2025-01');
    const janTotal = (JSON.parse(jan.payload) as SubmissionPayload).cells.find((c) => c.key.every((k) => k === '_T'))?.value;
    const cell = (stats.data?.statistics.cells as any[]).find((c) => c.memberId === seed.members[0].memberId);
    expect(cell.value).toBe(janTotal);
  });

  it('hub stopped while node B pushes, node B restarted with a full outbox, hub back: every release arrives exactly once', async () => {
    await hub.stop();
    const results = await nodeB.app.get(ReleaseScheduler).runDue(NOW);
    expect(results.every((r) => r.status === 'prepared')).toBe(true);
    const approved = results.flatMap((r) => r.releases).filter((r) => r.status === 'approved');
    expect(approved).toHaveLength(7);
    // the pusher keeps failing with connection refused and backs off
    await waitFor('failed attempts', async () => {
      const rows = await nodeB.dataSource.query(`SELECT attempts, last_error FROM release_outbox WHERE status = 'pending'`);
      return rows.length === 7 && rows.some((r: any) => r.attempts >= 2 && /unreachable/.test(r.last_error));
    });
    // the standard stays usable offline
    expect((await nodeB.app.get(StandardSyncService).sync()).status).toBe('unreachable');
    expect((await nodeB.app.get(StandardSyncService).current()).version).toBe(STANDARD.version);

    // node process restart: a new app on the same database, outbox still full
    await nodeB.close();
    nodeB = await startNodeTestApp(nodeEnv(seed.members[1], keysB, { AUTO_APPROVE: 'true' }), dbB);
    expect(await pending(nodeB.dataSource)).toBe(7);
    managerB = await nodeB.signIn('manager');

    await hub.start();
    await waitFor('node B outbox drained', async () => (await pending(nodeB.dataSource)) === 0);
    expect(await hubCount(seed.members[1].memberId)).toEqual({ n: 7, distinct: 7 });
    const outbox = (await nodeB.gql('{ outbox { status attempts summary { status } } }', {}, managerB)).data?.outbox as any[];
    expect(outbox.every((o) => o.status === 'delivered')).toBe(true);
    expect(outbox.reduce((n, o) => n + (o.attempts as number), 0)).toBeGreaterThan(7);
    expect((await nodeB.app.get(StandardSyncService).sync()).status).toMatch(/updated|unchanged/);
  });

  it('a late entry produces a revision that replaces the earlier figure at the hub', async () => {
    const before = await hubCurrent(seed.members[0].memberId, 'incidents_monthly', '2025-02');
    const late = await fillNode(nodeA.dataSource, keysA, CENTRE, 'GULLATE', '2025-02-10', '2025-02-20', 160, 'late-a');
    identifiers.push(...late.identifiers);
    const results = await nodeA.app.get(ReleaseScheduler).runDue(NOW);
    const feb = results.find((r) => r.period === '2025-02');
    expect(feb?.status).toBe('prepared');
    const rev = feb?.releases.find((r) => r.datasetId === 'incidents_monthly');
    expect(rev?.revision).toBe(2);
    // the Association has suspended member A meanwhile: the hub refuses its pushes, the rows
    // are marked refused (no retry loop) and wait for an operator
    const admin = await loginHub('coordinator@association.example.tj', seed.password);
    const suspend = await hubGql('mutation($m: ID!) { suspendMember(memberId: $m) { status } }', { m: seed.members[0].memberId }, admin);
    expect(suspend.errors).toBeUndefined();
    await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id: rev?.id }, managerA);
    for (const r of feb?.releases ?? []) if (r.id !== rev?.id) await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id: r.id }, managerA);
    for (const r of results.filter((x) => x.period !== '2025-02').flatMap((x) => x.releases)) {
      await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id: r.id }, managerA);
    }
    await nodeA.gql('mutation { pushOutbox { delivered } }', {}, managerA);
    await waitFor('refused pushes settled', async () => (await pending(nodeA.dataSource)) === 0);
    const failed: { release_id: string; summary: { status: string; conflicts: { code: string }[] } }[] = await nodeA.dataSource.query(
      `SELECT release_id, summary FROM release_outbox WHERE status = 'refused'`,
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => f.summary.status === 'ERROR' && f.summary.conflicts.some((c) => c.code === 'MEMBER_SUSPENDED'))).toBe(true);
    expect((await hubCurrent(seed.members[0].memberId, 'incidents_monthly', '2025-02')).revision).toBe(1);
    // reinstated, the manager requeues them; a caseworker cannot; delivered rows are left alone
    expect(
      (await hubGql('mutation($m: ID!) { reinstateMember(memberId: $m) { status } }', { m: seed.members[0].memberId }, admin)).errors,
    ).toBeUndefined();
    const retry = 'mutation($ids: [ID!]!) { retryDelivery(releaseIds: $ids) { releaseId outcome } }';
    const ids = failed.map((f) => f.release_id);
    expect((await nodeA.gql(retry, { ids }, caseworkerA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await nodeA.gql(retry, { ids: ['not-a-uuid'] }, managerA)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const [delivered] = await nodeA.dataSource.query(`SELECT release_id FROM release_outbox WHERE status = 'delivered' LIMIT 1`);
    const requeued = (await nodeA.gql(retry, { ids: [...ids, delivered.release_id] }, managerA)).data?.retryDelivery as { releaseId: string; outcome: string }[];
    expect(requeued.filter((r) => r.outcome === 'requeued').map((r) => r.releaseId).sort()).toEqual([...ids].sort());
    expect(requeued.find((r) => r.releaseId === delivered.release_id)?.outcome).toBe('not_retryable');
    await nodeA.gql('mutation { pushOutbox { delivered } }', {}, managerA);
    await waitFor('revision delivered', async () => (await pending(nodeA.dataSource)) === 0);
    expect((await nodeA.dataSource.query(`SELECT count(*)::int AS n FROM release_outbox WHERE status <> 'delivered'`))[0].n).toBe(0);
    const after = await hubCurrent(seed.members[0].memberId, 'incidents_monthly', '2025-02');
    expect(before.revision).toBe(1);
    expect(after.revision).toBe(2);
    // The hub now serves revision 2's figures: every cell it holds for the period equals revision 2's payload,
    // and at least one published figure differs from revision 1's.
    const payloadOf = async (revision: number): Promise<SubmissionPayload> =>
      JSON.parse(
        (await nodeA.dataSource.query(`SELECT payload FROM releases WHERE dataset_id = 'incidents_monthly' AND period = '2025-02' AND revision = $1`, [revision]))[0].payload,
      ) as SubmissionPayload;
    const [rev1, rev2] = [await payloadOf(1), await payloadOf(2)];
    const published = (p: SubmissionPayload): Map<string, number | null> => new Map(p.cells.map((c) => [c.key.join('|'), c.value]));
    const p1 = published(rev1);
    const p2 = published(rev2);
    expect([...p2].some(([k, v]) => v !== null && p1.get(k) !== null && p1.get(k) !== v)).toBe(true);
    const held: Record<string, unknown>[] = await hub.dataSource.query(
      `SELECT c.* FROM submission_cells c JOIN submissions s ON s.id = c.submission_id
        WHERE s.member_id = $1 AND s.dataset_id = 'incidents_monthly' AND s.period = '2025-02' AND s.is_current`,
      [seed.members[0].memberId],
    );
    expect(held.length).toBe(rev2.cells.length);
    expect(new Map(held.map((c) => [(c.key as string[]).join('|'), c.value as number | null]))).toEqual(p2);
    const [{ n }] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND dataset_id = 'incidents_monthly' AND period = '2025-02'`, [seed.members[0].memberId]);
    expect(n).toBe(2); // the earlier revision is kept for audit, no longer current
  });

  it('a release audited against a ledger that has since grown is never pushed; prepared again it is audited with the ledger as it is (a refused revision is not in it), the late entries as added since', async () => {
    // Node A without its own jobs: only this test pushes, so the March revision cannot be pushed (and
    // refused by the hub, which leaves the ledger as the quarter saw it) before the quarter's approval.
    await restartNodeA({ FEDERATION_JOBS: 'false' });
    // The Association adds a quarterly incidents table; the node pulls the new standard.
    const quarterly = { ...STANDARD.datasets[0], id: 'incidents_quarterly', periodType: 'quarter' as const, dimensions: STANDARD.datasets[0].dimensions.slice(0, 2) };
    const next: Standard = { ...STANDARD, version: '2026.2', datasets: [...STANDARD.datasets, quarterly] };
    await nodeA.app.get(StandardSyncService).store(next);
    const prep = async (period: string): Promise<any> =>
      (await nodeA.gql('mutation($p: String!) { prepareReleases(input: {period: $p}) { status errorCode releases { id datasetId status revision } } }', { p: period }, managerA))
        .data?.prepareReleases[0];
    const approve = async (id: string): Promise<any> => nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id }, managerA);

    const q1 = await prep('2025-Q1');
    const quarter = q1.releases.find((x: any) => x.datasetId === 'incidents_quarterly');
    expect(quarter.status).toBe('prepared');
    const quarterRecords = (await nodeA.gql(PREVIEW, { id: quarter.id }, managerA)).data?.releasePreview.report.recordsCounted as number;

    // Late March entries: the March revision is approved first, so the ledger the quarter was audited against is outdated.
    const late = await fillNode(nodeA.dataSource, keysA, CENTRE, 'GULMAR', '2025-03-05', '2025-03-25', 30, 'late-march');
    identifiers.push(...late.identifiers);
    const march = await prep('2025-03');
    const marchRevision = march.releases.find((x: any) => x.datasetId === 'incidents_monthly');
    expect(marchRevision.revision).toBe(2);
    for (const r of march.releases) expect((await approve(r.id)).data?.approveRelease.status).toBe('approved');

    const sentBefore = sent.length;
    expect((await approve(quarter.id)).data?.approveRelease.status).toBe('stale');
    await nodeA.gql('mutation { pushOutbox { delivered } }', {}, managerA);
    await waitFor('March revision delivered', async () => (await pending(nodeA.dataSource)) === 0);
    expect(await nodeA.dataSource.query(`SELECT 1 FROM release_outbox o JOIN releases r ON r.id = o.release_id WHERE r.dataset_id = 'incidents_quarterly'`)).toHaveLength(0);
    expect(sent.slice(sentBefore).some((b) => b.includes('incidents_quarterly'))).toBe(false);
    const [{ n }] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE dataset_id = 'incidents_quarterly'`);
    expect(n).toBe(0);
    // a stale release cannot be approved later
    expect((await approve(quarter.id)).errors?.[0].extensions?.details?.reason).toBe('RELEASE_NOT_PENDING');

    // The hub refused the March revision (it never published 2026.2), so the ledger still holds March as first
    // released. Prepared again, the quarter is audited against the ledger as it is (the refused revision is not in
    // it). February's two releases are in it, so the anonymizer reads every release by what had been entered when it
    // was made (epochs, system.ts): the late March entries, which March as released did not count, are entries added
    // since, which no one outside knows, and the quarter passes its audit with them counted. It waits for the manager.
    const [marchRevisionRow] = await nodeA.dataSource.query('SELECT status FROM releases WHERE id = $1', [marchRevision.id]);
    expect(marchRevisionRow.status).toBe('refused');
    const again = (await nodeA.gql('mutation($p: String!) { prepareReleases(input: {period: $p}) { releases { id datasetId status errorCode revision } } }', { p: '2025-Q1' }, managerA))
      .data?.prepareReleases[0];
    const fresh = again.releases.find((x: any) => x.datasetId === 'incidents_quarterly');
    expect(fresh.id).not.toBe(quarter.id);
    expect(fresh).toMatchObject({ status: 'prepared', errorCode: null, revision: 1 });
    const preview = (await nodeA.gql(PREVIEW, { id: fresh.id }, managerA)).data?.releasePreview;
    expect(preview.report.auditPassed).toBe(true);
    expect(preview.report.recordsCounted).toBeGreaterThan(quarterRecords);
    expect(await nodeA.dataSource.query(`SELECT 1 FROM release_outbox o JOIN releases r ON r.id = o.release_id WHERE r.dataset_id = 'incidents_quarterly'`)).toHaveLength(0);
  }, 600_000);

  it('a push the hub turns away before validation (wrong credentials) waits as failed; once fixed, retryDelivery sends it, and it arrives once', async () => {
    // node A restarted with a wrong client secret; late February entries make a revision to push.
    // (The test above gave node A a standard 2026.2 the hub never published; back to the hub's.)
    await nodeA.dataSource.query(`DELETE FROM node_standards WHERE version = '2026.2'`);
    await restartNodeA({ HUB_CLIENT_SECRET: 'not-the-secret-not-the-secret-not-the-secret' });
    const late = await fillNode(nodeA.dataSource, keysA, CENTRE, 'GULFEB', '2025-02-03', '2025-02-20', 25, 'late-february');
    identifiers.push(...late.identifiers);
    const feb = (await nodeA.gql('mutation { prepareReleases(input: {period: "2025-02"}) { releases { id datasetId revision } } }', {}, managerA)).data?.prepareReleases[0].releases as { id: string; datasetId: string; revision: number }[];
    const revision = feb.find((r) => r.datasetId === 'incidents_monthly')!;
    expect(revision.revision).toBeGreaterThan(1);
    expect((await nodeA.gql('mutation($id: ID!) { approveRelease(id: $id) { status } }', { id: revision.id }, managerA)).data?.approveRelease.status).toBe('approved');
    const outboxStatus = async (): Promise<string> => (await nodeA.dataSource.query('SELECT status FROM release_outbox WHERE release_id = $1', [revision.id]))[0]?.status as string;
    await waitFor('the push turned away', async () => (await outboxStatus()) === 'failed');
    // failed rows are not retried on their own
    await new Promise((r) => setTimeout(r, 500));
    expect(await outboxStatus()).toBe('failed');
    const submissions = async (): Promise<number> =>
      (await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND dataset_id = 'incidents_monthly' AND period = '2025-02'`, [seed.members[0].memberId]))[0].n as number;
    const before = await submissions();

    // the operator fixes the secret and requeues the release
    await restartNodeA();
    const retried = await nodeA.gql('mutation($ids: [ID!]!) { retryDelivery(releaseIds: $ids) { releaseId outcome } }', { ids: [revision.id] }, managerA);
    expect(retried.data?.retryDelivery).toEqual([{ releaseId: revision.id, outcome: 'requeued' }]);
    await waitFor('the revision delivered', async () => (await outboxStatus()) === 'delivered');
    expect(await submissions()).toBe(before + 1);
    // a delivered release is not requeued again
    expect((await nodeA.gql('mutation($ids: [ID!]!) { retryDelivery(releaseIds: $ids) { outcome } }', { ids: [revision.id] }, managerA)).data?.retryDelivery).toEqual([{ outcome: 'not_retryable' }]);
  });

  it('the operators\' command line against the real hub: push exits 0 once the hub took the releases, 3 when nothing is due, 3 when the hub refuses one', async () => {
    // node A without its own jobs, so that only the command line pushes
    await restartNodeA({ FEDERATION_JOBS: 'false' });
    const saved = { ...process.env };
    Object.assign(process.env, { ...nodeEnv(seed.members[0], keysA), DATABASE_URL: dbA.url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' });
    const outputs: string[] = [];
    const cli = async (...args: string[]): Promise<CliResult> => {
      const r = await runCli(...args);
      outputs.push(r.out, r.err);
      return r;
    };
    const prepareAndApprove = async (period: string): Promise<string[]> => {
      const prepared = await cli('prepare', '--period', period);
      expect(prepared.code).toBe(0);
      const ids = [...prepared.out.matchAll(/^ {2}(\S+) \S+ rev \d+ prepared$/gm)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(0);
      expect((await cli('approve', ...ids)).code).toBe(0);
      return ids;
    };
    try {
      // late January entries: a revision, pushed by the command line, taken by the hub
      const lateJan = await fillNode(nodeA.dataSource, keysA, CENTRE, 'GULJAN', '2025-01-06', '2025-01-24', 20, 'late-january');
      identifiers.push(...lateJan.identifiers);
      const january = await prepareAndApprove('2025-01');
      const pushed = await cli('push');
      expect(pushed.code).toBe(0);
      expect(pushed.out).toMatch(new RegExp(`^delivered ${january.length}, refused 0, failed 0, hub unreachable 0, pending 0$`, 'm'));
      const outbox = (await cli('outbox')).out;
      for (const id of january) expect(outbox).toMatch(new RegExp(`^${id} \\S+ 2025-01 rev \\d+: delivered`, 'm'));
      const [{ n }] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND period = '2025-01' AND is_current AND revision > 1`, [seed.members[0].memberId]);
      expect(n).toBe(january.length);
      expect(await cli('push')).toMatchObject({ code: 3, err: expect.stringContaining('nothing was due') });

      // the node holds a standard the hub never published: the hub refuses the February revision, exit 3
      await nodeA.app.get(StandardSyncService).store({ ...STANDARD, version: '2026.3' });
      const lateFeb = await fillNode(nodeA.dataSource, keysA, CENTRE, 'GULFB2', '2025-02-04', '2025-02-21', 20, 'late-february-2');
      identifiers.push(...lateFeb.identifiers);
      const february = await prepareAndApprove('2025-02');
      const refused = await cli('push');
      expect(refused.code).toBe(3);
      expect(refused.out).toMatch(new RegExp(`^delivered 0, refused ${february.length}, failed 0`, 'm'));
      expect(refused.err).toContain('the hub refused at least one release');
      const after = (await cli('outbox')).out;
      for (const id of february) expect(after).toMatch(new RegExp(`^${id} \\S+ 2025-02 rev \\d+: refused`, 'm'));
      expect(after).toContain('SCHEMA_VERSION_UNKNOWN');
      for (const v of identifiers) expect(outputs.join('')).not.toContain(v);
    } finally {
      process.env = saved;
      await nodeA.dataSource.query(`DELETE FROM node_standards WHERE version = '2026.3'`);
      await restartNodeA();
    }
  });

  it('a release the hub refused for a cause outside its figures arrives once the cause is fixed: a key the hub does not know (signed again on retry), a member id it was not prepared for (prepared again)', async () => {
    await restartNodeA({ FEDERATION_JOBS: 'false' });
    const saved = { ...process.env };
    const base = { ...nodeEnv(seed.members[0], keysA), DATABASE_URL: dbA.url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' };
    const memberA = seed.members[0].memberId;
    const outputs: string[] = [];
    const cli = async (...args: string[]): Promise<CliResult> => {
      const r = await runCli(...args);
      outputs.push(r.out, r.err);
      return r;
    };
    const state = async (ids: string[]): Promise<{ status: string; error_code: string | null }[]> =>
      nodeA.dataSource.query(`SELECT status, error_code FROM releases WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]);
    const lateMarch = async (tag: string | null): Promise<string[]> => {
      if (tag) identifiers.push(...(await fillNode(nodeA.dataSource, keysA, CENTRE, tag, '2025-03-03', '2025-03-20', 20, `late-${tag}`)).identifiers);
      const prepared = await cli('prepare', '--period', '2025-03');
      expect(prepared.code).toBe(0);
      return [...prepared.out.matchAll(/^ {2}(\S+) \S+ rev \d+ prepared$/gm)].map((m) => m[1]).sort();
    };
    const current = async (): Promise<{ dataset_id: string; revision: number; content_hash: string }[]> =>
      hub.dataSource.query(`SELECT dataset_id, revision, content_hash FROM submissions WHERE member_id = $1 AND period = '2025-03' AND is_current ORDER BY dataset_id`, [memberA]);
    try {
      // approved with a signing key the hub does not know: refused, and the release says why
      Object.assign(process.env, base, { NODE_SIGNING_KEY: NodeSigningKey.generate().privateKeyPem });
      const keyed = await lateMarch('GULMK');
      expect(keyed.length).toBeGreaterThan(0);
      expect((await cli('approve', ...keyed)).code).toBe(0);
      expect((await cli('push')).code).toBe(3);
      expect(await state(keyed)).toEqual(keyed.map(() => ({ status: 'refused', error_code: 'KEY_UNKNOWN' })));
      // the node's own key back: retry signs the same payload again, and the hub takes it
      Object.assign(process.env, base);
      const retried = await cli('retry', ...keyed);
      expect(retried.code).toBe(0);
      for (const id of keyed) expect(retried.out).toContain(`${id}: requeued`);
      expect((await cli('push')).out).toMatch(new RegExp(`^delivered ${keyed.length}, refused 0`, 'm'));
      expect(await state(keyed)).toEqual(keyed.map(() => ({ status: 'pushed', error_code: null })));
      const hashes = await nodeA.dataSource.query(`SELECT content_hash FROM releases WHERE id = ANY($1::uuid[]) ORDER BY dataset_id`, [keyed]);
      expect((await current()).map((r) => r.content_hash)).toEqual(hashes.map((r: { content_hash: string }) => r.content_hash));

      // prepared and approved under a member id the hub does not know this node by: refused
      Object.assign(process.env, base, { MEMBER_ID: seed.members[1].memberId });
      const misnamed = await lateMarch('GULMM');
      expect((await cli('approve', ...misnamed)).code).toBe(0);
      expect((await cli('push')).code).toBe(3);
      expect(await state(misnamed)).toEqual(misnamed.map(() => ({ status: 'refused', error_code: 'MEMBER_MISMATCH' })));
      // MEMBER_ID put right: a retry would resend a payload the hub can never accept; prepare makes it again
      Object.assign(process.env, base);
      const retry = await cli('retry', ...misnamed);
      expect(retry).toMatchObject({ code: 3, err: expect.stringContaining('prepare') });
      for (const id of misnamed) expect(retry.out).toContain(`${id}: member_changed`);
      const revisions = new Map((await current()).map((r) => [r.dataset_id, r.revision]));
      // the same figures: only the member id differs from the refused payload
      const again = await lateMarch(null);
      expect(await state(misnamed)).toEqual(misnamed.map(() => ({ status: 'superseded', error_code: 'MEMBER_MISMATCH' })));
      expect((await cli('approve', ...again)).code).toBe(0);
      expect((await cli('push')).out).toMatch(new RegExp(`^delivered ${again.length}, refused 0`, 'm'));
      // the replacement keeps the refused release's revision (the hub stored nothing of it): one more than
      // before for each table revised (a table whose protected figures did not change gets no revision)
      const replaced: { dataset_id: string; revision: number }[] = await nodeA.dataSource.query(`SELECT dataset_id, revision FROM releases WHERE id = ANY($1::uuid[])`, [again]);
      expect(replaced.length).toBeGreaterThan(0);
      const now = new Map((await current()).map((r) => [r.dataset_id, r.revision]));
      for (const r of replaced) expect([r.dataset_id, now.get(r.dataset_id)]).toEqual([r.dataset_id, (revisions.get(r.dataset_id) as number) + 1]);
      for (const [dataset, revision] of revisions) if (!replaced.some((r) => r.dataset_id === dataset)) expect(now.get(dataset)).toBe(revision);

      // The node restored from a backup taken before that push: the hub holds revisions the node no longer knows,
      // so its next revision of those tables has a number the hub holds with other content. Refused once
      // (REVISION_CONFLICT, with the hub's revision), then prepared again at once above it, and taken.
      await nodeA.dataSource.query('DELETE FROM release_outbox WHERE release_id = ANY($1::uuid[])', [again]);
      await nodeA.dataSource.query('DELETE FROM releases WHERE id = ANY($1::uuid[])', [again]);
      const behind = await lateMarch('GULMB');
      expect((await cli('approve', ...behind)).code).toBe(0);
      expect((await cli('push')).code).toBe(3);
      const behindRows: { id: string; dataset_id: string; status: string; error_code: string | null }[] = await nodeA.dataSource.query(
        `SELECT id, dataset_id, status, error_code FROM releases WHERE id = ANY($1::uuid[])`,
        [behind],
      );
      const conflicted = behindRows.filter((r) => replaced.some((x) => x.dataset_id === r.dataset_id));
      expect(conflicted.length).toBeGreaterThan(0);
      for (const r of conflicted) expect(r).toMatchObject({ status: 'refused', error_code: 'REVISION_CONFLICT' });
      const held = new Map((await current()).map((r) => [r.dataset_id, r.revision]));
      const above = await lateMarch(null);
      expect(above.length).toBe(conflicted.length);
      expect((await cli('approve', ...above)).code).toBe(0);
      expect((await cli('push')).out).toMatch(new RegExp(`^delivered ${above.length}, refused 0`, 'm'));
      const taken = new Map((await current()).map((r) => [r.dataset_id, r.revision]));
      for (const r of conflicted) expect([r.dataset_id, taken.get(r.dataset_id)]).toEqual([r.dataset_id, (held.get(r.dataset_id) as number) + 1]);
      for (const v of identifiers) expect(outputs.join('')).not.toContain(v);
    } finally {
      process.env = saved;
      await restartNodeA();
    }
  });

  it('nothing identifiable in any payload or node log', () => {
    expect(sent.length).toBeGreaterThanOrEqual(16);
    expect(identifiers.length).toBeGreaterThan(1000);
    const everything = sent.join('\n');
    const logs = [...nodeA.logs, ...nodeB.logs].join('\n');
    const leaks = identifiers.filter((v) => everything.includes(v) || logs.includes(v));
    expect(leaks).toEqual([]);
    // and no exact date: payloads carry periods only
    expect(/\d{4}-\d{2}-\d{2}(?!T)/.test(sent.map((b) => JSON.stringify((JSON.parse(b) as { payload: SubmissionPayload }).payload.cells)).join(''))).toBe(false);
  });

  async function hubGql(query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
    const res = await realFetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    return res.json();
  }
  async function loginHub(email: string, password: string): Promise<string> {
    const r = await hubGql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email, password } });
    return r.data.login.accessToken as string;
  }
  async function hubCurrent(memberId: string, datasetId: string, period: string): Promise<{ revision: number; total: number }> {
    const [s] = await hub.dataSource.query(`SELECT id, revision FROM submissions WHERE member_id = $1 AND dataset_id = $2 AND period = $3 AND is_current`, [memberId, datasetId, period]);
    const admin = await loginHub('coordinator@association.example.tj', seed.password);
    const stats = await hubGql(
      `query($q: StatisticsQueryInput!) { statistics(query: $q) { cells { memberId value } } }`,
      { q: { datasetId, from: period, to: period, groupBy: [], byMember: true } },
      admin,
    );
    const cell = (stats.data?.statistics.cells as any[]).find((c) => c.memberId === memberId);
    return { revision: s.revision as number, total: (cell?.value ?? null) as number };
  }
});

