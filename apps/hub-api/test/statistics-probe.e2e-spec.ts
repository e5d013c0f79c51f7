import { STANDARD, StandardIndex, SubmissionCell, TOTAL_CODE } from '@paivand/schema';
import { admitTestMember, publishStructuralZeros, servicesCells, sign_, statisticsAs, STATISTICS as Q, TestNode } from './utils/hub-fixtures';
import { StatisticsService } from '../src/statistics/statistics.service';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are checked field by field */
const std = new StandardIndex(STANDARD);
const TYPES = std.codes('service_type');
const OUTCOMES = std.codes('service_outcome');
const [T0, T1] = TYPES;
const [O0, O1] = OUTCOMES;

/**
 * What an adversary proves from published figures with counts non-negative, by propagation alone
 * (a subset of what linear programming proves): a published total whose hidden parts add up to 0
 * makes each of them 0; a total with one hidden part left gives it away.
 */
function provable(inner: Map<string, number | null>, totals: { parts: string[]; value: number }[]): Map<string, number> {
  const known = new Map<string, number>();
  for (const [k, v] of inner) if (v !== null) known.set(k, v);
  const proved = new Map<string, number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of totals) {
      const unknown = t.parts.filter((p) => !known.has(p));
      if (unknown.length === 0) continue;
      const rest = t.value - t.parts.reduce((a, p) => a + (known.get(p) ?? 0), 0);
      if (rest !== 0 && unknown.length > 1) continue;
      for (const p of unknown) {
        const v = unknown.length === 1 ? rest : 0;
        known.set(p, v);
        proved.set(p, v);
        changed = true;
      }
    }
  }
  return proved;
}

/** A dataset's full table (inner cells and every margin) from inner counts, none suppressed. */
function fullCells(datasetId: string, inner: (key: string[]) => number): SubmissionCell[] {
  const dims = std.dataset(datasetId)!.dimensions.map((d) => std.codes(d.codelist));
  let keys: string[][] = [[]];
  for (const codes of dims) keys = keys.flatMap((k) => [...codes, TOTAL_CODE].map((c) => [...k, c]));
  const innerKeys = keys.filter((k) => !k.includes(TOTAL_CODE));
  const values = new Map(innerKeys.map((k) => [k.join('|'), inner(k)]));
  return keys.map((key) => {
    let value = 0;
    for (const k of innerKeys) if (key.every((c, d) => c === TOTAL_CODE || c === k[d])) value += values.get(k.join('|')) ?? 0;
    return { key, value, obsStatus: 'A', confStatus: 'F' };
  });
}

describe('hub statistics, probed as researchers, the Ombudsman and the public would use them', () => {
  let hub: HubTestApp;
  const nodes: TestNode[] = [];
  let researcher: string;

  // The zeros these members publish are structural (services a centre does not offer, regions it does not
  // work in): the hub refuses a published zero of a dataset whose zeros are protected.
  let schemaVersion: string;

  beforeAll(async () => {
    hub = await startHubTestApp();
    schemaVersion = await publishStructuralZeros(hub, ['services_monthly', 'incidents_monthly']);
    for (let m = 0; m < 3; m++) nodes.push(await admitTestMember(hub));
    researcher = await hub.signIn('researcher');
  }, 120_000);
  afterAll(() => hub.close());

  const ask = (token: string | undefined, q: Record<string, unknown>): Promise<any> => statisticsAs(hub, token, q);

  it('a cell of one member is not pinned by counts being non-negative (the hub hides no zeros to protect it)', async () => {
    // Member 0 alone delivers (T0, O0): hidden by the hub. Every member reports 0 for (T0, O1),
    // (T1, O0) and (T1, O1): were those zeros the complementary cells, the published totals of
    // row T1 and column O1 (hidden parts adding up to 0) would prove them 0 and row T0 give (T0, O0) away.
    const zero = new Set([`${T0}|${O1}`, `${T1}|${O0}`, `${T1}|${O1}`]);
    for (const [m, n] of nodes.entries()) {
      const cells = servicesCells((t, o) => (t === T0 && o === O0 ? (m === 0 ? 7 : 0) : zero.has(`${t}|${o}`) ? 0 : 5 + ((t.length + o.length + m) % 4)));
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status conflicts { code } } }', { s: sign_(n, { cells, schemaVersion }) }, n.token);
      expect(res.data?.submitRelease).toMatchObject({ status: 'SUCCESS' });
    }
    for (const token of [researcher, undefined]) {
      const inner = await ask(token, { groupBy: ['service_type', 'service_outcome'] });
      const rows = await ask(token, { groupBy: ['service_type'] });
      const cols = await ask(token, { groupBy: ['service_outcome'] });
      const grand = await ask(token, {});
      const cell = new Map<string, number | null>(inner.cells.map((c: any) => [c.key.join('|'), c.value]));
      expect(inner.cells.find((c: any) => c.key[0] === T0 && c.key[1] === O0)).toMatchObject({ value: null, obsStatus: 'Q', confStatus: 'S' });
      const totals: { parts: string[]; value: number }[] = [];
      for (const c of rows.cells) if (c.value !== null) totals.push({ parts: OUTCOMES.map((o) => `${c.key[0]}|${o}`), value: c.value });
      for (const c of cols.cells) if (c.value !== null) totals.push({ parts: TYPES.map((t) => `${t}|${c.key[0]}`), value: c.value });
      if (grand.cells[0].value !== null) totals.push({ parts: [...cell.keys()], value: grand.cells[0].value });
      // nothing hidden becomes exact: not the member's cell, nor a complementary one
      expect(Object.fromEntries(provable(cell, totals))).toEqual({});
    }
  });

  it('a cell hidden in a table the hub served stays hidden when a late member reports: a member cannot combine the tables before and after its own figures', async () => {
    const period = '2025-04';
    const inner = (m: number) => (t: string, o: string) => (t === T0 && o === O0 ? (m === 0 ? 9 : 0) : 5 + ((t.length * 3 + o.length + m * 7) % 11));
    for (const [m, n] of nodes.entries()) {
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells: servicesCells(inner(m)), schemaVersion, period }) }, n.token);
      expect(res.data?.submitRelease.status).toBe('SUCCESS');
    }
    const shown = async (): Promise<Set<string>> => {
      const t = await ask(undefined, { groupBy: ['service_type', 'service_outcome'], from: period, to: period });
      return new Set(t.cells.filter((c: any) => c.value !== null).map((c: any) => c.key.join('|')));
    };
    const before = await shown();
    expect(before.has(`${T0}|${O0}`)).toBe(false);
    // a member that reports late, with figures of its own that move the smallest neighbours of the hidden cell
    const late = await admitTestMember(hub);
    const lateCells = servicesCells((t, o) => (t === T0 && o === O0 ? 0 : 5 + ((t.length + o.length * 5) % 13) * 3));
    expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(late, { cells: lateCells, schemaVersion, period }) }, late.token)).data?.submitRelease.status).toBe('SUCCESS');
    const after = await shown();
    // every cell shown now was shown before: the second table tells the late member nothing about the others the first did not
    expect([...after].filter((k) => !before.has(k))).toEqual([]);
    const [{ n }] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM served_hidden_cells WHERE dataset_id = 'services_monthly' AND period = $1`, [period]);
    expect(n).toBeGreaterThan(0);
  });

  /** Every cell of services_monthly (inner and margins) for the public: key -> value (null when hidden). */
  const everyCell = async (period: string): Promise<Map<string, number | null>> => {
    const out = new Map<string, number | null>();
    for (const groupBy of [['service_type', 'service_outcome'], ['service_type'], ['service_outcome'], []]) {
      const t = await ask(undefined, { groupBy, from: period, to: period });
      for (const c of t.cells) out.set(`${groupBy.join(',')}:${c.key.join('|')}`, c.value);
    }
    return out;
  };
  /** Jumps the clock (Date only: timers and I/O stay real) while `body` runs. */
  const later = async (days: number, body: () => Promise<void>): Promise<void> => {
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      jest.setSystemTime(Date.now() + days * 86_400_000);
      await body();
    } finally {
      jest.useRealTimers();
    }
  };

  it("a late member's figures never show as the difference of two tables served to the public: frozen for 30 days, then every cell its figures move is hidden, the others shown", async () => {
    const period = '2025-06';
    const inner = (m: number) => (t: string, o: string) => 5 + ((t.length * 3 + o.length + m * 7) % 11);
    for (const [m, n] of nodes.entries()) {
      expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells: servicesCells(inner(m)), schemaVersion, period }) }, n.token)).data?.submitRelease.status).toBe('SUCCESS');
    }
    const first = await everyCell(period);
    expect([...first.values()].filter((v) => v !== null).length).toBeGreaterThan(10);
    const late = await admitTestMember(hub);
    // it offers no service of type T1 (structural zeros): those cells do not move
    const lateInner = (t: string, o: string): number => (t === T1 ? 0 : 5 + ((t.length + o.length * 5) % 13) * 3);
    expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(late, { cells: servicesCells(lateInner), schemaVersion, period }) }, late.token)).data?.submitRelease.status).toBe('SUCCESS');
    // at once: the table served before, value for value (before this, every shared cell differed by the late member's own figure)
    expect(await everyCell(period)).toEqual(first);
    await later(31, async () => {
      const revised = await everyCell(period);
      // the late member's figures move every cell (each of its cells is above zero): none of them is shown changed
      for (const [k, v] of revised) if (v !== null && first.get(k) !== null) expect([k, v]).toEqual([k, first.get(k)]);
      // and what it does not move is still shown: the row of T1, where it reports nothing
      const unmoved = [...revised].filter(([k, v]) => k.startsWith(`service_type,service_outcome:${T1}|`) && v !== null);
      expect(unmoved.length).toBeGreaterThan(0);
      const [{ versions }] = await hub.dataSource.query(`SELECT max(version)::int AS versions FROM served_tables WHERE dataset_id = 'services_monthly' AND period = $1`, [period]);
      expect(versions).toBe(2);
    });
  });

  it('revisions by enough members together are served after 30 days: their combined change shows', async () => {
    const period = '2025-07';
    const inner = (m: number, r: number) => (t: string, o: string) => 5 + ((t.length * 3 + o.length + m * 7) % 11) + r * (1 + m);
    for (const [m, n] of nodes.entries()) {
      expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells: servicesCells(inner(m, 0)), schemaVersion, period }) }, n.token)).data?.submitRelease.status).toBe('SUCCESS');
    }
    const first = await everyCell(period);
    let grand = 0;
    for (const [m, n] of nodes.entries()) {
      const cells = servicesCells(inner(m, 1));
      grand += cells[cells.length - 1].value ?? 0;
      expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells, schemaVersion, period, revision: 2 }) }, n.token)).data?.submitRelease.status).toBe('SUCCESS');
    }
    expect(await everyCell(period)).toEqual(first);
    await later(31, async () => {
      const revised = await everyCell(period);
      // every member changed every cell: three contributors to each change, as minContributors asks
      expect(revised.get(':')).toBe(grand);
      expect([...revised.values()].filter((v) => v !== null).length).toBe([...first.values()].filter((v) => v !== null).length);
    });
  });

  it('a revision no pattern protects leaves the table served before as it was (not a period blank for good); the next revision is served', async () => {
    const period = '2025-08';
    const inner = (m: number, r: number) => (t: string, o: string) => 5 + ((t.length * 3 + o.length + m * 7) % 11) + r * (1 + m);
    const submitAll = async (r: number): Promise<number> => {
      let grand = 0;
      for (const [m, n] of nodes.entries()) {
        const cells = servicesCells(inner(m, r));
        grand += cells[cells.length - 1].value ?? 0;
        const s = sign_(n, { cells, schemaVersion, period, ...(r > 0 ? { revision: r + 1 } : {}) });
        expect((await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s }, n.token)).data?.submitRelease.status).toBe('SUCCESS');
      }
      return grand;
    };
    const servedState = async () =>
      (
        await hub.dataSource.query(
          `SELECT (SELECT max(version)::int FROM served_tables WHERE dataset_id = 'services_monthly' AND period = $1) AS version,
                  (SELECT count(*)::int FROM served_hidden_cells WHERE dataset_id = 'services_monthly' AND period = $1) AS hidden`,
          [period],
        )
      )[0];
    await submitAll(0);
    const first = await everyCell(period);
    const before = await servedState();
    await submitAll(1);
    const failing = jest.spyOn(StatisticsService, 'protectRevision').mockImplementation(() => {
      throw new Error('revision protection did not converge');
    });
    try {
      await later(31, async () => {
        expect(await everyCell(period)).toEqual(first);
        expect(failing).toHaveBeenCalled();
      });
    } finally {
      failing.mockRestore();
    }
    expect(await servedState()).toEqual(before);
    // the members revise again: a pattern is found this time, and the new figures are served
    const grand = await submitAll(2);
    await later(31, async () => {
      expect((await everyCell(period)).get(':')).toBe(grand);
      expect((await servedState()).version).toBe(2);
    });
  });

  it('refuses a group-by that is not a dimension without quoting a huge input back', async () => {
    const res = await hub.gql(Q, { q: { datasetId: 'services_monthly', from: '2025-03', to: '2025-03', groupBy: ['x'.repeat(100_000)] } }, researcher);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.errors).length).toBeLessThan(2_000);
  });

  it('a region where one member works: its figures are hidden from researchers, whatever the question', async () => {
    const regions = std.codes('region');
    const [alone, shared] = [regions[3], regions[0]];
    // member 0 alone works in `alone`; all three in `shared`; nobody elsewhere
    for (const [m, n] of nodes.entries()) {
      const cells = fullCells('incidents_monthly', (k) => ((k[0] === alone && m === 0) || k[0] === shared ? (k[1].length + k[3].length + m) % 3 === 0 ? 5 + m : 0 : 0));
      const s = sign_(n, { datasetId: 'incidents_monthly', dimensions: ['region', 'violence_type', 'sex', 'age_band'], cells, schemaVersion });
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status conflicts { code message } } }', { s }, n.token);
      expect(res.data?.submitRelease).toMatchObject({ status: 'SUCCESS' });
    }
    const q = (extra: Record<string, unknown>): Promise<any> => ask(researcher, { datasetId: 'incidents_monthly', ...extra });
    const started = Date.now();
    const byRegion = await q({ groupBy: ['region'] });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(byRegion.cells.find((c: any) => c.key[0] === alone)).toMatchObject({ value: null, obsStatus: 'Q', confStatus: 'S' });
    const national = (await q({})).cells[0].value;
    const others = (await q({ filters: [{ dimension: 'region', codes: regions.filter((r) => r !== alone) }] })).cells[0].value;
    expect(national === null || others === null).toBe(true);
    for (const dim of ['violence_type', 'sex', 'age_band']) {
      const inRegion = await q({ groupBy: [dim], filters: [{ dimension: 'region', codes: [alone] }] });
      expect(inRegion.cells.filter((c: any) => c.value !== null && c.value > 0)).toEqual([]);
    }
  }, 60_000);

  it('caps an answer by the members that reported, not by an assumed fifty (open membership)', async () => {
    const admin = await hub.signIn('association_admin');
    for (let m = nodes.length; m < 53; m++) {
      const n = await admitTestMember(hub);
      nodes.push(n);
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells: servicesCells(() => 5) }) }, n.token);
      expect(res.data?.submitRelease.status).toBe('SUCCESS');
    }
    // 13 service types x 6 outcomes x 5 months = 390 groups; with 53 members, 390 x 54 cells are over the cap
    const q = { from: '2025-01', to: '2025-05', byPeriod: true, byMember: true, groupBy: ['service_type', 'service_outcome'] };
    const res = await hub.gql(Q, { q: { datasetId: 'services_monthly', ...q } }, admin);
    expect(res.data?.statistics ?? null).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    // within the cap it answers, every member's figure beside the combined one
    const ok = await hub.gql(Q, { q: { datasetId: 'services_monthly', ...q, from: '2025-03', to: '2025-03' } }, admin);
    expect(ok.data?.statistics.cells).toHaveLength(78 * 54);
  }, 120_000);
});
