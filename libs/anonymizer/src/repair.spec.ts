import { DATASETS, ReportableRecord, StandardIndex, STANDARD, TOTAL_CODE } from '@paivand/schema';
import { highsSolver } from './audit';
import { protectRelease } from './protect';
import { FIXED, HIDDEN, RELAXABLE, cheapestRelaxation } from './repair';

describe('the repair by linear program', () => {
  it('frees the cheapest cycle that lets a hidden zero rise by one', async () => {
    // a 2 x 3 table: atoms a0 a1 a2 / a3 a4 a5 with counts 0 10 20 / 30 1 40; a0 is hidden
    const truth = [0, 10, 20, 30, 1, 40];
    const cells = [[0], [1], [2], [3], [4], [5], [0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5], [0, 1, 2, 3, 4, 5]];
    const state = new Uint8Array(cells.length).fill(RELAXABLE);
    state[0] = HIDDEN;
    const cost = cells.map((atoms) => atoms.reduce((s, a) => s + truth[a], 0) + 1);
    const found = cheapestRelaxation(await highsSolver(), truth, cells, state, cost, [{ atoms: [0], need: 1 }]);
    // a0 +1, a1 -1, a4 +1, a3 -1 costs 11 + 2 + 31; through a2 and a5 it would cost 21 + 41 + 31,
    // and hiding margins more still
    expect(found?.hide.sort((a, b) => a - b)).toEqual([1, 3, 4]);
    expect(Array.from(found?.move ?? [], (d) => d + 0)).toEqual([1, -1, 0, -1, 1, 0]);
  });

  it('keeps a cell fixed (published earlier) at no price, and says so when nothing can move', async () => {
    const truth = [0, 10];
    const cells = [[0], [1], [0, 1]];
    const state = Uint8Array.from([HIDDEN, RELAXABLE, FIXED]);
    const found = cheapestRelaxation(await highsSolver(), truth, cells, state, [1, 11, 11], [{ atoms: [0], need: 1 }]);
    expect(found?.hide).toEqual([1]);
    // with the other part fixed too, the total pins the zero: no table moves it
    const none = cheapestRelaxation(await highsSolver(), truth, cells, Uint8Array.from([HIDDEN, FIXED, FIXED]), [1, 11, 11], [{ atoms: [0], need: 1 }]);
    expect(none).toBeNull();
  });

  it('protects two empty rows of a large table by one donor row, not by hiding most of the table', async () => {
    // services by type and outcome in a busy month: every type common except two the centre does not
    // offer (rows of zeros, hidden: zeros are protected) and `other`, a small one. The repair that hid
    // one neighbour per failing zero ended with 15 of these 98 cells published.
    const standard = new StandardIndex(STANDARD);
    const ds = DATASETS.find((d) => d.id === 'services_monthly');
    if (!ds) throw new Error('services_monthly is not in the standard');
    const types = standard.codes('service_type');
    const outcomes = standard.codes('service_outcome');
    const records: ReportableRecord[] = [];
    types.forEach((type, t) => {
      if (type === 'legal_representation' || type === 'hotline_consultation') return;
      outcomes.forEach((outcome, o) => {
        const n = type === 'other' ? 6 + o : 40 + ((t * 7 + o * 13) % 50);
        for (let i = 0; i < n; i++) {
          records.push({ unit: 'service', month: '2026-05', subject: `s-${t}-${o}-${i}`, consentReporting: true, reportedByOtherMember: false, attributes: { service_type: type, service_outcome: outcome } });
        }
      });
    });
    const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-05', records });
    const r = report.datasets[0];
    expect(r.audit?.passed).toBe(true);
    expect(r.cells.primary).toBe(2 * (outcomes.length + 1));
    expect(r.cells.published).toBeGreaterThanOrEqual(r.cells.total - r.cells.primary - (outcomes.length + 1) - 2);
    // the margins readers use stay published: the grand total and every outcome's total
    const published = (key: string[]): boolean => tables[0].cells.some((c) => c.key.join() === key.join() && c.value !== null);
    expect(published([TOTAL_CODE, TOTAL_CODE])).toBe(true);
    for (const o of outcomes) expect(published([TOTAL_CODE, o])).toBe(true);
  });
});
