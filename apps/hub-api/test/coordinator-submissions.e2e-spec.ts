import { SubmissionCell } from '@paivand/schema';
import { admitTestMember, conflictCodes, servicesCells, sign_, submitAs, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- summaries are checked field by field */
describe('coordinator: the hub re-checks what a node sends, answering with a coded conflict, storing nothing', () => {
  let hub: HubTestApp;
  let a: TestNode;
  const full = (t: string, o: string): number => 5 + ((t.length * 7 + o.length) % 20);
  const stored = async (): Promise<number> =>
    (await hub.dataSource.query(`SELECT (SELECT count(*) FROM submissions WHERE member_id = $1)::int + (SELECT count(*) FROM submission_cells c JOIN submissions s ON s.id = c.submission_id WHERE s.member_id = $1)::int AS n`, [a.memberId]))[0].n;
  const submit = (s: unknown): Promise<any> => submitAs(hub, a, s);
  const codes = conflictCodes;

  beforeAll(async () => {
    hub = await startHubTestApp();
    a = await admitTestMember(hub);
  }, 120_000);
  afterAll(() => hub.close());

  it('refuses a suppressed cell that its published totals give away (secondary suppression missing)', async () => {
    // Every total published with its true value, one inner cell hidden: total minus the others is the cell.
    const cells: SubmissionCell[] = servicesCells(full).map((c, i) => (i === 0 ? { ...c, value: null, obsStatus: 'Q', confStatus: 'A' } : c));
    const summary = await submit(sign_(a, { cells }));
    expect(summary.status).toBe('ERROR');
    expect(codes(summary)).toEqual(['SUPPRESSION_DISCLOSED']);
    expect(summary.conflicts[0].cellIndexes).toEqual([0]);
    expect(await stored()).toBe(0);
    // Hidden with its row and column totals (as the anonymizer would), the same table is accepted.
    const safe = servicesCells((t, o) => (t === 'case_management' && o === 'provided' ? null : full(t, o)));
    expect(safe.filter((c) => c.value === null).length).toBeGreaterThan(1);
    expect((await submit(sign_(a, { cells: safe, period: '2025-04' }))).status).toBe('SUCCESS');
  });

  it('answers a count or a revision beyond what the hub stores with a coded conflict, not an internal error', async () => {
    const before = await stored();
    const big = await submit(sign_(a, { cells: servicesCells((t, o) => (t === 'case_management' && o === 'provided' ? 3_000_000_000 : full(t, o))), period: '2025-05' }));
    expect(big.status).toBe('ERROR');
    expect(codes(big)).toEqual(['COUNT_INVALID']);
    const rev = await submit(sign_(a, { cells: servicesCells(full), period: '2025-05', revision: 3_000_000_000 }));
    expect(rev.status).toBe('ERROR');
    expect(codes(rev)).toEqual(['PAYLOAD_INVALID']);
    expect(rev.conflicts[0].message).toMatch(/revision/);
    expect(await stored()).toBe(before);
  });

  it('refuses a preparedAt that is no ISO 8601 time with PAYLOAD_INVALID (JavaScript reads "1" as a date, Postgres does not)', async () => {
    const before = await stored();
    for (const preparedAt of ['1', '2025-04-02', 'April 2, 2025 08:00']) {
      const summary = await submit(sign_(a, { cells: servicesCells(full), period: '2025-06', preparedAt }));
      expect({ preparedAt, codes: codes(summary) }).toEqual({ preparedAt, codes: ['PAYLOAD_INVALID'] });
    }
    expect(await stored()).toBe(before);
    expect((await submit(sign_(a, { cells: servicesCells(full), period: '2025-06', preparedAt: '2025-07-02T08:00:00.123+05:00' }))).status).toBe('SUCCESS');
  });
});
