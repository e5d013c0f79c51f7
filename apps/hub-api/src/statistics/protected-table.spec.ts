import { STANDARD, StandardIndex, TOTAL_CODE } from '@paivand/schema';
import fc from 'fast-check';
import { answer, combine, Hidden, isAnswerable, protectRevision, protectTable } from './protected-table';
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

describe('protectTable: sums that draw on too few members', () => {
  it('does not let two cells of one member alone be summed from the published figures (x + y = the row total less its published cells)', () => {
    // member 0 alone has (0,0) = 7 and (0,1) = 6; (1,0) and (1,1) hold 5 per member; every other cell at least 20
    const members = [0, 1, 2].map((m) =>
      memberTable((s, o) => (s === 0 && o < 2 ? (m === 0 ? (o === 0 ? 7 : 6) : 0) : s === 1 && o < 2 ? 5 : 20 + ((s * 7 + o * 3 + m) % 9))),
    );
    const t = protectTable(layout, members, 3);
    const [x, y] = [indexOf(layout, [0, 0]), indexOf(layout, [0, 1])];
    expect([t.hidden[x], t.hidden[y]]).toEqual([Hidden.Primary, Hidden.Primary]);
    expect(answer(t, [x, y])).toBeNull();
    // nor any other sum of the two, with the published figures: their vector stays outside the span
    const basis = new SpanBasis();
    for (let i = 0; i < layout.total; i++) if (t.hidden[i] === Hidden.No) basis.add(indicator(supportOf(layout, i)));
    for (const v of [indicator([x, y]), new Map([[x, 1], [y, 2]])]) expect(basis.contains(v)).toBe(false);
  });

  it('on random registers, no sum of hidden cells each of fewer than minContributors members is derivable', () => {
    const [ns, no] = [layout.sizes[0] - 1, layout.sizes[1] - 1];
    let pairs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 20, max: 40 })), { minLength: ns * no, maxLength: ns * no }), { minLength: 3, maxLength: 4 }),
        (members) => {
          const t = protectTable(layout, members.map((cells) => memberTable((s, o) => cells[s * no + o])), 3);
          const basis = new SpanBasis();
          for (let i = 0; i < layout.total; i++) if (t.hidden[i] === Hidden.No) basis.add(indicator(supportOf(layout, i)));
          const few: number[] = [];
          for (let i = 0; i < layout.total; i++) if (isInner(layout, i) && (t.hidden[i] === Hidden.Primary || (t.hidden[i] !== Hidden.No && t.value[i] === 0))) few.push(i);
          for (let a = 0; a < few.length; a++) {
            for (let b = a + 1; b < few.length; b++) {
              pairs++;
              expect(basis.contains(indicator([few[a], few[b]]))).toBe(false);
            }
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    expect(pairs).toBeGreaterThan(100);
  });
});

describe('answer: sums the published cells determine', () => {
  const [ns, no] = [layout.sizes[0] - 1, layout.sizes[1] - 1];
  /** Random members: true inner counts, each member hiding some of its inner cells (NaN) but publishing every margin. */
  const registers = fc.array(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.boolean()), { minLength: ns * no, maxLength: ns * no }),
    { minLength: 1, maxLength: 4 },
  );

  it('is the true sum whenever it answers, and never a single hidden cell', () => {
    let answered = 0;
    let throughHidden = 0;
    fc.assert(
      fc.property(registers, fc.array(fc.integer({ min: 0, max: layout.total - 1 }), { minLength: 1, maxLength: 6 }), (members, picks) => {
        const truth = new Float64Array(layout.total);
        const tables = members.map((cells) => {
          const t = memberTable((s, o) => cells[s * no + o][0]);
          for (let i = 0; i < layout.total; i++) truth[i] += t[i];
          // the member suppressed these inner cells; its margins stay published
          cells.forEach(([, hide], k) => hide && (t[indexOf(layout, [Math.floor(k / no), k % no])] = Number.NaN));
          return t;
        });
        const t = protectTable(layout, tables, 2);
        for (let i = 0; i < layout.total; i++) {
          if (t.hidden[i] === Hidden.No) expect(answer(t, [i])).toBe(truth[i]);
          else expect(answer(t, [i])).toBeNull();
        }
        // disjoint picks: distinct inner cells; whole rows and whole columns of inner cells, alone and
        // together (sums the margins determine, through several rows of the basis at once)
        const inner = [...new Set(picks)].filter((i) => isInner(layout, i));
        const rows = [...new Set(picks.map((p) => p % ns))].map((s) => Array.from({ length: no }, (_, o) => indexOf(layout, [s, o])));
        const cols = [...new Set(picks.map((p) => p % no))].map((o) => Array.from({ length: ns }, (_, r) => indexOf(layout, [r, o])));
        const allRows = rows.flat();
        const grid = Array.from({ length: ns * no }, (_, k) => indexOf(layout, [Math.floor(k / no), k % no]));
        const outside = grid.filter((c) => !allRows.includes(c));
        for (const cells of [inner, [picks[0]], ...rows, ...cols, allRows, outside]) {
          if (cells.length === 0) continue;
          const a = answer(t, cells);
          if (a !== null) {
            answered++;
            if (cells.some((c) => t.hidden[c] !== Hidden.No)) throughHidden++;
            expect(a).toBe(cells.reduce((x, c) => x + truth[c], 0));
          }
        }
      }),
      { numRuns: 200 },
    );
    // the property held on sums with hidden parts, not only on published cells
    expect(throughHidden).toBeGreaterThan(100);
    expect(answered).toBeGreaterThan(throughHidden);
  });

  it('gives a row whose every cell a member hid: its published margin', () => {
    const hiddenRow = (s: number, o: number): number | null => (s === 0 ? null : 4 + o);
    const trueRow = (s: number, o: number): number => (s === 0 ? 3 + o : 4 + o);
    const published = memberTable(trueRow);
    const member = memberTable(hiddenRow);
    // the member's margins are those of its true counts
    for (let i = 0; i < layout.total; i++) if (!isInner(layout, i)) member[i] = published[i];
    const t = protectTable(layout, [member], 1);
    const row = Array.from({ length: no }, (_, o) => indexOf(layout, [0, o]));
    expect(row.every((c) => t.hidden[c] !== Hidden.No)).toBe(true);
    const margin = indexOf(layout, [0, no]);
    expect(t.hidden[margin]).toBe(Hidden.No);
    expect(answer(t, row)).toBe(published[margin]);
    // but not a part of it
    expect(answer(t, row.slice(1))).toBeNull();
  });
});

describe('protectTable: counts are non-negative', () => {
  const [ns, no] = [layout.sizes[0] - 1, layout.sizes[1] - 1];

  /** Hidden cells an adversary proves from the published ones by propagation (a subset of linear programming). */
  function provable(t: ReturnType<typeof protectTable>): number[] {
    const known = new Map<number, number>();
    for (let i = 0; i < layout.total; i++) if (isInner(layout, i) && t.hidden[i] === Hidden.No) known.set(i, t.value[i]);
    const proved: number[] = [];
    for (let changed = true; changed; ) {
      changed = false;
      for (let m = 0; m < layout.total; m++) {
        if (isInner(layout, m) || t.hidden[m] !== Hidden.No) continue;
        const parts = supportOf(layout, m);
        const unknown = parts.filter((p) => !known.has(p));
        if (unknown.length === 0) continue;
        const rest = t.value[m] - parts.reduce((a, p) => a + (known.get(p) ?? 0), 0);
        if (rest !== 0 && unknown.length > 1) continue;
        for (const p of unknown) known.set(p, unknown.length === 1 ? rest : 0);
        proved.push(...unknown);
        changed = true;
      }
    }
    return proved;
  }

  it('never hides a published zero as a complementary cell, so no hidden cell is pinned at a bound', () => {
    // Members that report mostly zeros, some cells of one member only: the tables where zeros beside a hidden cell tempt.
    const tables = fc.array(fc.array(fc.constantFrom(0, 0, 0, 5, 6, 9), { minLength: ns * no, maxLength: ns * no }), { minLength: 3, maxLength: 4 });
    fc.assert(
      fc.property(tables, (members) => {
        const t = protectTable(layout, members.map((cells) => memberTable((s, o) => cells[s * no + o])), 3);
        for (let i = 0; i < layout.total; i++) if (t.hidden[i] === Hidden.Secondary) expect(t.value[i]).toBeGreaterThan(0);
        expect(provable(t)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('protectRevision: the change between two served tables is protected too', () => {
  const cell = indexOf(layout, [0, 0]);
  const base = (m: number) => (s: number, o: number): number => (s < 3 && o < 3 ? 6 + m : 0);
  /** Per cell, how many of the member tables differ between `a` and `b`. */
  const changed = (a: readonly Float64Array[], b: readonly Float64Array[]): Int32Array => {
    const out = new Int32Array(layout.total);
    for (let m = 0; m < a.length; m++) for (let i = 0; i < layout.total; i++) if (a[m][i] !== b[m][i]) out[i]++;
    return out;
  };
  const published = (t: { hidden: Uint8Array }, i: number): boolean => t.hidden[i] === Hidden.No;

  it('hides a cell whose changes cancel out between two members (+5 and -5 tell each the other), and every cell one member changed', () => {
    const v1 = [0, 1, 2].map((m) => memberTable(base(m)));
    const v2 = [
      memberTable((s, o) => base(0)(s, o) + (s === 0 && o === 0 ? 5 : 0)),
      memberTable((s, o) => base(1)(s, o) - (s === 0 && o === 0 ? 5 : 0)),
      memberTable((s, o) => base(2)(s, o) + (s === 1 && o === 1 ? 4 : 0)),
    ];
    const now = combine(layout, v2);
    const t = protectRevision(layout, now.value, now.contributors, [{ value: combine(layout, v1).value, changedMembers: changed(v1, v2) }], 3, []);
    expect(published(t, cell)).toBe(false);
    expect(published(t, indexOf(layout, [1, 1]))).toBe(false);
    // a published cell that moved drew its change on three members or more (the grand total: +5, -5 and +4)
    const before = combine(layout, v1).value;
    const moved = changed(v1, v2);
    for (let i = 0; i < layout.total; i++) if (published(t, i) && t.value[i] !== before[i]) expect(moved[i]).toBeGreaterThanOrEqual(3);
  });

  it('against every table served before: a revision that undoes part of the last one does not show the first one\'s difference', () => {
    const v1 = [0, 1, 2, 3].map((m) => memberTable(base(m)));
    // v2: members 0, 1 and 2 each add 2 to the cell (three changers: shown)
    const v2 = v1.map((t, m) => (m < 3 ? memberTable((s, o) => base(m)(s, o) + (s === 0 && o === 0 ? 2 : 0)) : t));
    // v3: members 1 and 2 take theirs back, member 3 adds 6: against v2 three changers, against v1 members 0 and 3 only
    const v3 = [v2[0], v1[1], v1[2], memberTable((s, o) => base(3)(s, o) + (s === 0 && o === 0 ? 6 : 0))];
    const now = combine(layout, v3);
    const onlyLast = protectRevision(layout, now.value, now.contributors, [{ value: combine(layout, v2).value, changedMembers: changed(v2, v3) }], 3, []);
    expect(published(onlyLast, cell)).toBe(true);
    const all = protectRevision(
      layout,
      now.value,
      now.contributors,
      [v1, v2].map((v) => ({ value: combine(layout, v).value, changedMembers: changed(v, v3) })),
      3,
      [],
    );
    expect(published(all, cell)).toBe(false);
  });
});
