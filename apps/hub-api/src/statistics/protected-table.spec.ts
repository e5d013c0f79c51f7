import { STANDARD, StandardIndex, TOTAL_CODE } from '@paivand/schema';
import { Hidden, isAnswerable, protectTable } from './protected-table';
import { indexOf, isInner, supportOf, tableLayoutOf } from './table-layout';
import { indicator, SpanBasis } from './span-basis';

const std = new StandardIndex(STANDARD);
const layout = tableLayoutOf(std, std.dataset('services_monthly')!);

/** A member table with margins filled from the inner values. */
function memberTable(inner: (s: number, o: number) => number | null): Float64Array {
  const t = new Float64Array(layout.total);
  const [ns, no] = [layout.sizes[0] - 1, layout.sizes[1] - 1];
  for (let s = 0; s < ns; s++) for (let o = 0; o < no; o++) t[indexOf(layout, [s, o])] = inner(s, o) ?? Number.NaN;
  for (let i = 0; i < layout.total; i++) {
    if (isInner(layout, i)) continue;
    t[i] = supportOf(layout, i).reduce((a, c) => a + t[c], 0);
  }
  return t;
}

describe('protectTable', () => {
  it('hides a cell with one contributor and enough others that it cannot be computed', () => {
    const members = [
      memberTable((s, o) => (s === 0 && o === 0 ? 7 : s < 3 && o < 3 ? 6 : 0)),
      memberTable((s, o) => (s === 0 && o === 0 ? 0 : s < 3 && o < 3 ? 5 : 0)),
      memberTable((s, o) => (s === 0 && o === 0 ? 0 : s < 3 && o < 3 ? 8 : 0)),
    ];
    const t = protectTable(layout, members, 3);
    const target = indexOf(layout, [0, 0]);
    expect(t.hidden[target]).toBe(Hidden.Primary);
    // Not derivable: its vector is outside the span of everything published.
    const basis = new SpanBasis();
    for (let i = 0; i < layout.total; i++) if (t.hidden[i] === Hidden.No) basis.add(indicator(supportOf(layout, i)));
    expect(basis.contains(indicator([target]))).toBe(false);
    for (let i = 0; i < layout.total; i++) {
      if (t.hidden[i] !== Hidden.No) expect(basis.contains(indicator(supportOf(layout, i)))).toBe(false);
    }
    // Grand total is exact and answerable; the row minus the hidden cell is not.
    const grand = indexOf(layout, [layout.sizes[0] - 1, layout.sizes[1] - 1]);
    expect(t.hidden[grand]).toBe(Hidden.No);
    expect(t.value[grand]).toBe(7 + 8 * 6 + 8 * 5 + 8 * 8);
    const rowRest = Array.from({ length: layout.sizes[1] - 2 }, (_, k) => indexOf(layout, [0, k + 1]));
    expect(isAnswerable(t, rowRest)).toBe(false);
    expect(TOTAL_CODE).toBe('_T');
  });
});
