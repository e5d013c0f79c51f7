import request from 'supertest';
import { STANDARD, StandardIndex, TOTAL_CODE } from '@paivand/schema';
import { admitTestMember, publishStructuralZeros, servicesCells, sign_, statisticsAs, STATISTICS as Q, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';
import { StatisticsService } from '../src/statistics/statistics.service';
import { CURRENT_VERSION_TTL_MS, StandardsService } from '../src/standards/standards.service';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are checked field by field */
const T0 = 'case_management';
const O0 = 'provided';

describe('hub: statistics by audience, protected against aggregation and differencing', () => {
  let hub: HubTestApp;
  const nodes: TestNode[] = [];
  let researcher: string;
  let admin: string;
  let ombudsman: string;
  // Member 0 alone reports (T0, O0): one contributor, so the combined cell is primary-suppressed.
  const value = (m: number) => (t: string, o: string): number => (t === T0 && o === O0 ? (m === 0 ? 7 : 0) : 5 + ((t.length + o.length + m) % 4));
  let expectedGrand = 0;
  let schemaVersion = '';

  beforeAll(async () => {
    hub = await startHubTestApp();
    // Members 1-3 publish their zero at (T0, O0): a service they do not offer, so the standard calls the zeros structural.
    schemaVersion = await publishStructuralZeros(hub, ['services_monthly']);
    for (let m = 0; m < 4; m++) {
      const n = await admitTestMember(hub);
      nodes.push(n);
      const cells = servicesCells(value(m));
      expectedGrand += cells[cells.length - 1].value ?? 0;
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells, schemaVersion }) }, n.token);
      expect(res.data?.submitRelease.status).toBe('SUCCESS');
    }
    researcher = await hub.signIn('researcher');
    admin = await hub.signIn('association_admin');
    ombudsman = await hub.signIn('ombudsman');
  }, 120_000);
  afterAll(() => hub.close());

  const ask = (token: string | undefined, q: Record<string, unknown>): Promise<any> => statisticsAs(hub, token, q);

  it('researchers, the Ombudsman and the public get the exact grand total and no member identity', async () => {
    for (const token of [researcher, ombudsman, undefined]) {
      const t = await ask(token, {});
      expect(t.audience).toBe(token ? 'combined' : 'public');
      expect(t.cells).toEqual([{ period: null, memberId: null, key: [], value: expectedGrand, obsStatus: 'A', confStatus: 'F' }]);
    }
  });

  it('a cell drawing on one member is suppressed by the hub (CONF_STATUS S)', async () => {
    const t = await ask(researcher, { groupBy: ['service_type', 'service_outcome'], filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_outcome', codes: [O0] }] });
    expect(t.cells).toEqual([{ period: null, memberId: null, key: [T0, O0], value: null, obsStatus: 'Q', confStatus: 'S' }]);
  });

  it('differencing fails: the row total and the row without the hidden cell are never both exact', async () => {
    const outcomes = ((await hub.gql('{ standard { codelists { id codes { code } } } }')).data?.standard.codelists as any[])
      .find((l) => l.id === 'service_outcome')
      .codes.map((c: any) => c.code) as string[];
    const row = await ask(researcher, { groupBy: ['service_type'], filters: [{ dimension: 'service_type', codes: [T0] }] });
    const rest = await ask(researcher, {
      groupBy: ['service_type'],
      filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_outcome', codes: outcomes.filter((o) => o !== O0) }],
    });
    const a = row.cells[0].value;
    const b = rest.cells[0].value;
    expect(a === null || b === null).toBe(true);
    // The same over a whole column: the column total minus the other service types.
    const types = ((await hub.gql('{ standard { codelists { id codes { code } } } }')).data?.standard.codelists as any[])
      .find((l) => l.id === 'service_type')
      .codes.map((c: any) => c.code) as string[];
    const col = await ask(researcher, { groupBy: ['service_outcome'], filters: [{ dimension: 'service_outcome', codes: [O0] }] });
    const others = await ask(researcher, {
      groupBy: ['service_outcome'],
      filters: [{ dimension: 'service_outcome', codes: [O0] }, { dimension: 'service_type', codes: types.filter((t) => t !== T0) }],
    });
    expect(col.cells[0].value === null || others.cells[0].value === null).toBe(true);
    // Every published single cell of the row: their sum never pins the hidden one either.
    const cells = await ask(researcher, { groupBy: ['service_type', 'service_outcome'], filters: [{ dimension: 'service_type', codes: [T0] }] });
    const hidden = cells.cells.filter((c: any) => c.value === null);
    expect(hidden.length).toBeGreaterThanOrEqual(2);
  });

  it("answers a sum the published figures determine though a member hid its parts (every code of a dimension is its total)", async () => {
    const outcomes = ((await hub.gql('{ standard { codelists { id codes { code } } } }')).data?.standard.codelists as any[])
      .find((l) => l.id === 'service_outcome')
      .codes.map((c: any) => c.code) as string[];
    // 2025-04: each member hides its case-management cells (small counts) and, so that no column
    // total gives one of them away (the hub refuses a lone hidden part), its column totals; it
    // publishes the row totals and the grand total
    const small = (t: string): boolean => t === T0;
    const colTotal = (c: { key: readonly string[] }): boolean => c.key[0] === '_T' && c.key[1] !== '_T';
    let total = 0;
    let row = 0;
    for (const [m, n] of nodes.entries()) {
      const truth = (t: string, o: string): number => (small(t) ? 1 + ((o.length + m) % 4) : 6 + ((t.length + o.length + m) % 5));
      const cells = servicesCells(truth).map((c) =>
        colTotal(c)
          ? { key: c.key, value: null, obsStatus: 'Q' as const, confStatus: 'D' as const }
          : small(c.key[0]) && c.key[1] !== '_T'
            ? { key: c.key, value: null, obsStatus: 'Q' as const, confStatus: c.value === 0 ? ('D' as const) : ('A' as const) }
            : c,
      );
      total += cells.find((c) => c.key[0] === '_T' && c.key[1] === '_T')!.value!;
      row += cells.find((c) => c.key[0] === T0 && c.key[1] === '_T')!.value!;
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status conflicts { code } } }', { s: sign_(n, { period: '2025-04', cells }) }, n.token);
      expect(res.data?.submitRelease).toMatchObject({ status: 'SUCCESS' });
    }
    const april = { from: '2025-04', to: '2025-04' };
    for (const token of [researcher, ombudsman, undefined]) {
      // every outcome of case management: the row's published margin, not "hidden by a sender"
      const all = await ask(token, { ...april, groupBy: ['service_type'], filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_outcome', codes: outcomes }] });
      expect(all.cells).toEqual([{ period: null, memberId: null, key: [T0], value: row, obsStatus: 'A', confStatus: 'F' }]);
      const everything = await ask(token, { ...april, filters: [{ dimension: 'service_outcome', codes: outcomes }] });
      expect(everything.cells[0]).toMatchObject({ value: total, confStatus: 'F' });
      // a part of the row stays hidden
      const part = await ask(token, { ...april, groupBy: ['service_type'], filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_outcome', codes: outcomes.slice(1) }] });
      expect(part.cells[0]).toMatchObject({ value: null, obsStatus: 'Q' });
    }
  });

  it('the Association sees per-member figures; a member sees its own', async () => {
    const t = await ask(admin, { byMember: true, groupBy: ['service_type', 'service_outcome'], filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_outcome', codes: [O0] }] });
    expect(t.audience).toBe('association');
    const perMember = t.cells.filter((c: any) => c.memberId !== null);
    expect(perMember).toHaveLength(4);
    expect(perMember.find((c: any) => c.memberId === nodes[0].memberId).value).toBe(7);
    expect(t.cells.find((c: any) => c.memberId === null).value).toBe(7);
    const own = await ask(nodes[1].token, {});
    expect(own.audience).toBe('member');
    expect(own.cells).toHaveLength(1);
    expect(own.cells[0].memberId).toBe(nodes[1].memberId);
  });

  it('time series and completeness', async () => {
    const ts = await hub.gql('{ timeSeries(query: {datasetId: "services_monthly", from: "2025-02", to: "2025-03"}) { period value obsStatus confStatus } }', {}, researcher);
    // nobody reported February: missing (M), not a zero
    expect(ts.data?.timeSeries).toEqual([
      { period: '2025-02', value: null, obsStatus: 'M', confStatus: 'F' },
      { period: '2025-03', value: expectedGrand, obsStatus: 'A', confStatus: 'F' },
    ]);
    for (const [token, byMember] of [[admin, true], [admin, false], [researcher, false]] as const) {
      const t = await ask(token, { from: '2025-02', to: '2025-03', byPeriod: true, byMember });
      const feb = t.cells.filter((c: any) => c.period === '2025-02');
      expect(feb.length).toBeGreaterThan(0);
      expect(feb.every((c: any) => c.value === null && c.obsStatus === 'M')).toBe(true);
      expect(t.cells.filter((c: any) => c.period === '2025-03').every((c: any) => c.obsStatus !== 'M')).toBe(true);
    }
    // members since before 2025, but the last one admitted on 20 March 2025: February was due before it joined
    await hub.dataSource.query(`UPDATE members SET admitted_at = '2024-12-01' WHERE id = ANY($1)`, [nodes.slice(0, 3).map((n) => n.memberId)]);
    await hub.dataSource.query(`UPDATE members SET admitted_at = '2025-03-20' WHERE id = $1`, [nodes[3].memberId]);
    const comp = await hub.gql('{ completeness(query: {datasetId: "services_monthly", from: "2025-02", to: "2025-03"}) { memberId period status } }', {}, admin);
    const rows = comp.data?.completeness as any[];
    const statusOf = (m: number, period: string): string => rows.find((r) => r.memberId === nodes[m].memberId && r.period === period)?.status;
    for (let m = 0; m < 4; m++) expect(statusOf(m, '2025-03')).toBe('late');
    for (let m = 0; m < 3; m++) expect(statusOf(m, '2025-02')).toBe('missing');
    expect(statusOf(3, '2025-02')).toBe('before_admission');
  });

  it('CSV download with the same audience rules, audited as an export', async () => {
    const res = await request(hub.app.getHttpServer())
      .get('/api/v1/csv/statistics?datasetId=services_monthly&from=2025-03&to=2025-03&groupBy=service_type,service_outcome&filter=service_type:' + T0)
      .set('authorization', `Bearer ${researcher}`)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('period,member_id,service_type,service_outcome,value,OBS_STATUS,CONF_STATUS');
    expect(lines.find((l) => l.includes(`,${T0},${O0},`))).toMatch(/,,Q,S$/);
    expect(res.text).not.toContain(nodes[0].memberId);
    const audited = (await hub.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'statistics.export'`));
    expect(audited[0].n).toBe(1);
    await request(hub.app.getHttpServer()).get('/api/v1/csv/statistics?datasetId=clients_quarterly&from=2025-Q1&to=2025-Q1').expect(401);
  });

  it('names the field of bad input: the bound that is wrong, a dimension filtered twice', async () => {
    const refused = async (q: Record<string, unknown>): Promise<string[]> => {
      const res = await hub.gql(Q, { q: { datasetId: 'services_monthly', from: '2025-03', to: '2025-03', ...q } }, researcher);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      return (res.errors?.[0].extensions?.details.fields as { field: string }[]).map((f) => f.field);
    };
    expect(await refused({ to: '9999-12' })).toEqual(['to']);
    expect(await refused({ from: '2025-Q1' })).toEqual(['from']);
    expect(await refused({ to: '2025-Q1' })).toEqual(['to']);
    expect(await refused({ from: '2025-04', to: '2025-03' })).toEqual(['from']);
    expect(
      await refused({ filters: [{ dimension: 'service_type', codes: [T0] }, { dimension: 'service_type', codes: ['legal_aid'] }] }),
    ).toEqual(['filters.dimension']);
  });

  it('builds a newly reported period\'s combined table once for the fields of a request that all ask for it, not once per field', async () => {
    const period = '2024-11';
    for (const [m, n] of nodes.entries()) {
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells: servicesCells(value(m)), schemaVersion, period }) }, n.token);
      expect(res.data?.submitRelease.status).toBe('SUCCESS');
    }
    const service = hub.app.get(StatisticsService);
    const builds = jest.spyOn(service as unknown as { buildCombined: (...a: unknown[]) => Promise<unknown> }, 'buildCombined');
    try {
      const fields = Array.from({ length: 12 }, (_, i) => `f${i}: statistics(query: { datasetId: "services_monthly", from: "${period}", to: "${period}" }) { cells { value } }`);
      const res = await hub.gql(`{ ${fields.join(' ')} }`, {}, researcher);
      expect(res.errors).toBeUndefined();
      expect(new Set(fields.map((_, i) => res.data?.[`f${i}`].cells[0].value)).size).toBe(1);
      expect(builds).toHaveBeenCalledTimes(1);
    } finally {
      builds.mockRestore();
    }
  });

  it('one request reads at most 4,000,000 table cells from all its fields together: few answer cells can ask for much work', async () => {
    // the national total of incidents_monthly (864 inner cells) over 240 months: one answer cell, 207,360 cells read
    const field = (alias: string): string => `${alias}: statistics(query: { datasetId: "incidents_monthly", from: "2006-11", to: "2026-10" }) { cells { value } }`;
    const one = await hub.gql(`{ ${field('a')} }`, {});
    expect(one.errors).toBeUndefined();
    expect(one.data?.a.cells).toHaveLength(1);
    const many = await hub.gql(`{ ${Array.from({ length: 20 }, (_, i) => field(`a${i}`)).join(' ')} }`, {});
    expect(many.errors?.map((e: { extensions?: { code?: string; details?: { reason?: string } } }) => [e.extensions?.code, e.extensions?.details?.reason])).toEqual([['QUERY_TOO_COMPLEX', 'TOO_MANY_CELL_READS']]);
    expect(many.data ?? null).toBeNull();
  });

  it('one request gets at most 20,000 cells from all its fields together (aliases of one field share the limit)', async () => {
    // 864 cells a month by every dimension of incidents_monthly (public): 12 months are 10,368 cells, two such fields more than 20,000
    const field = (alias: string): string =>
      `${alias}: statistics(query: { datasetId: "incidents_monthly", from: "2025-01", to: "2025-12", byPeriod: true, groupBy: ["region", "violence_type", "sex", "age_band"] }) { cells { value } }`;
    const one = await hub.gql(`{ ${field('a')} }`, {});
    expect(one.errors).toBeUndefined();
    expect(one.data?.a.cells).toHaveLength(10_368);
    const two = await hub.gql(`{ ${field('a')} ${field('b')} }`, {});
    expect(two.errors?.map((e: { extensions?: { code?: string; details?: { reason?: string } } }) => [e.extensions?.code, e.extensions?.details?.reason])).toEqual([['QUERY_TOO_COMPLEX', 'TOO_MANY_CELLS']]);
    // both fields are non-null: the request answers the error alone (GraphQL's null bubbles up to data)
    expect(two.data ?? null).toBeNull();
    // the next request has its own budget
    expect((await hub.gql(`{ ${field('c')} }`, {})).data?.c.cells).toHaveLength(10_368);
  });

  it('CSV: a boolean parameter is exactly true or false (absent: false); any other value is a 400 naming it', async () => {
    const csv = (params: string) =>
      request(hub.app.getHttpServer())
        .get(`/api/v1/csv/statistics?datasetId=services_monthly&from=2025-02&to=2025-03${params}`)
        .set('authorization', `Bearer ${admin}`);
    const periodsOf = (text: string): string[] => [...new Set(text.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]))].sort();
    expect(periodsOf((await csv('&byPeriod=true').expect(200)).text)).toEqual(['2025-02', '2025-03']);
    expect(periodsOf((await csv('&byPeriod=false').expect(200)).text)).toEqual(['2025-02/2025-03']);
    expect(periodsOf((await csv('').expect(200)).text)).toEqual(['2025-02/2025-03']);
    expect((await csv('&byMember=true').expect(200)).text).toContain(nodes[0].memberId);

    const cases: [string, string[]][] = [
      ['&byPeriod=yes', ['byPeriod']],
      ['&byPeriod=1', ['byPeriod']],
      ['&byMember=TRUE', ['byMember']],
      ['&byPeriod=&byMember=no', ['byMember', 'byPeriod']],
      ['&byPeriod=true&byPeriod=false', ['byPeriod']],
    ];
    for (const [params, fields] of cases) {
      const res = await csv(params);
      // The error is JSON, not a CSV file to download.
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect({ params, status: res.status, code: res.body.code, reason: res.body.details?.reason }).toEqual({ params, status: 400, code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED' });
      expect(res.body.details.fields.map((f: any) => f.field).sort()).toEqual(fields);
      expect(res.body.details.fields[0].messages).toEqual([`${res.body.details.fields[0].field} must be true or false`]);
    }
  });
  it('figures of a differential-privacy dataset are estimates (OBS_STATUS E) for every audience, as the members sent them', async () => {
    const std = new StandardIndex();
    const dataset = std.dataset('hotline_monthly');
    if (!dataset) throw new Error('hotline_monthly is not in the standard');
    const [topics, sexes] = dataset.dimensions.map((d) => [...std.codes(d.codelist), TOTAL_CODE]);
    const inner = (m: number, t: string, x: string): number => 3 + ((t.length * 7 + x.length + m) % 5);
    for (const [m, n] of nodes.slice(0, 2).entries()) {
      const cells = topics.flatMap((t) =>
        sexes.map((x) => {
          let value = 0;
          for (const tt of topics.slice(0, -1)) for (const xx of sexes.slice(0, -1)) if ((t === TOTAL_CODE || t === tt) && (x === TOTAL_CODE || x === xx)) value += inner(m, tt, xx);
          return { key: [t, x], value, obsStatus: 'E' as const, confStatus: 'F' as const };
        }),
      );
      const s = sign_(n, {
        datasetId: dataset.id,
        dimensions: dataset.dimensions.map((d) => d.id),
        protection: { method: 'differential_privacy', k: 5, protectionRange: 5, epsilon: 0.5 },
        cells,
      });
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status conflicts { code message } } }', { s }, n.token);
      expect(res.data?.submitRelease).toMatchObject({ status: 'SUCCESS' });
    }
    const q = { datasetId: dataset.id, from: '2025-03', to: '2025-03', groupBy: [dataset.dimensions[1].id] };
    for (const [token, extra] of [[researcher, {}], [undefined, {}], [admin, { byMember: true }], [nodes[0].token, {}]] as const) {
      const res = await hub.gql(Q, { q: { ...q, ...extra } }, token);
      const cells = res.data?.statistics.cells as any[];
      expect(cells.length).toBeGreaterThan(0);
      expect(cells.filter((c) => c.value !== null).length).toBeGreaterThan(0);
      for (const c of cells) expect(c.obsStatus).toBe(c.value === null ? expect.stringMatching(/^[QM]$/) : 'E');
    }
    // a suppression dataset's published figures stay normal
    expect((await ask(researcher, {})).cells[0].obsStatus).toBe('A');
    // released once: a revision's fresh noise could be averaged with the first (nodes never send one; the hub refuses it too)
    const again = sign_(nodes[0], {
      datasetId: dataset.id,
      revision: 2,
      dimensions: dataset.dimensions.map((d) => d.id),
      protection: { method: 'differential_privacy', k: 5, protectionRange: 5, epsilon: 0.5 },
      cells: topics.flatMap((t) =>
        sexes.map((x) => ({ key: [t, x], value: 4 * (t === TOTAL_CODE ? topics.length - 1 : 1) * (x === TOTAL_CODE ? sexes.length - 1 : 1), obsStatus: 'E' as const, confStatus: 'F' as const })),
      ),
    });
    const revised = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status conflicts { code } } }', { s: again }, nodes[0].token);
    expect(revised.data?.submitRelease).toMatchObject({ status: 'ERROR', conflicts: [{ code: 'REVISION_CONFLICT' }] });
  });

  it('a period not yet due (members still reporting) is answered as missing, as before anyone reported, and nothing recorded as served; once due, its table', async () => {
    // the current month: begun, so members may report it, and due 15 days after it ends
    const now = new Date();
    const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const q = { from: period, to: period, byPeriod: true, groupBy: ['service_type'] };
    const beforeAnyone = await ask(researcher, q);
    let grand = 0;
    for (const [m, n] of nodes.entries()) {
      const cells = servicesCells(value(m));
      grand += cells[cells.length - 1].value ?? 0;
      const res = await hub.gql('mutation($s: JSON!) { submitRelease(submission: $s) { status } }', { s: sign_(n, { cells, schemaVersion, period, preparedAt: now.toISOString() }) }, n.token);
      expect(res.data?.submitRelease.status).toBe('SUCCESS');
    }
    const servedRows = async (): Promise<number> =>
      (await hub.dataSource.query(`SELECT count(*)::int AS n FROM served_hidden_cells WHERE dataset_id = 'services_monthly' AND period = $1`, [period]))[0].n;
    const early = await ask(researcher, q);
    expect(early.cells.length).toBeGreaterThan(1);
    expect(early.cells.every((c: any) => c.value === null && c.obsStatus === 'M')).toBe(true);
    // outsiders cannot tell that members have reported it
    expect(early).toEqual(beforeAnyone);
    expect((await ask(researcher, { from: period, to: period })).cells[0].value).toBeNull();
    expect(await servedRows()).toBe(0);

    // 16 days after the month ends (only the clock moves: timers and I/O stay real)
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    try {
      jest.setSystemTime(end + 16 * 86_400_000);
      const later = await hub.signIn('researcher');
      expect((await ask(later, { from: period, to: period })).cells[0]).toMatchObject({ value: grand, obsStatus: 'A', confStatus: 'F' });
      const due = await ask(later, q);
      expect(due.cells.some((c: any) => c.value !== null)).toBe(true);
      expect(await servedRows()).toBeGreaterThan(0);
    } finally {
      jest.useRealTimers();
    }
  });
  it('a period served once stays served when a later version of the standard gives its dataset more days to report (no table anyone saw is taken back)', async () => {
    const q = { groupBy: ['service_type'] };
    const before = (await ask(undefined, q)).cells;
    expect(before.some((c: any) => c.value !== null)).toBe(true);
    // another replica publishes a version that gives services_monthly ten years to report (dueDays is not a protection setting)
    const d = JSON.parse(JSON.stringify(STANDARD));
    d.version = '2026.3';
    for (const ds of d.datasets) if (ds.id === 'services_monthly') Object.assign(ds, { dueDays: 3650, protection: { ...ds.protection, structuralZeros: true } });
    await hub.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE standard_versions SET is_current = false WHERE is_current`);
      await tx.query(`INSERT INTO standard_versions (version, document, is_current) VALUES ($1, $2::jsonb, true)`, [d.version, JSON.stringify(d)]);
    });
    await hub.app.get(StandardsService).current(Date.now() + CURRENT_VERSION_TTL_MS);
    expect((await ask(undefined, q)).cells).toEqual(before);
  });

  // last: it makes another version of the standard current
  it('drops the tables it kept under a version of the standard once a newer one is current', async () => {
    const service: unknown = hub.app.get(StatisticsService);
    const { cache } = service as { cache: Map<string, unknown> };
    const versions = (): string[] => [...new Set([...cache.keys()].map((k) => k.split('|')[1]))];
    await ask(researcher, {});
    expect(versions()).toContain((await hub.gql('{ standard { version } }')).data?.standard.version);
    const next = await publishStructuralZeros(hub, ['services_monthly'], '2026.4');
    expect((await ask(researcher, {})).cells[0].value).toBe(expectedGrand);
    expect(versions()).toEqual([next]);
  });
});
