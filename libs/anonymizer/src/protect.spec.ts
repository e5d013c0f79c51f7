import fc from 'fast-check';
import { DATASETS, STANDARD, StandardIndex, TOTAL_CODE, ReportableRecord, RecordAttribute, protectionRangeOf } from '@paivand/schema';
import { protectRelease } from './protect';
import { AnonymizerError } from './errors';
import { LedgerCell, LedgerEntry, ProtectedRelease, ProtectedTable, SuppressionProgress } from './types';
import { Equation, innerCellsOf, integerInterval, lpInterval, recordsFor, syntheticDataset, syntheticStandard } from '../test/fixtures';

/** Inner counts, skewed towards small values as real registers are. */
const countArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 2, arbitrary: fc.integer({ min: 5, max: 40 }) });

/** A register over tables of the shapes `shapes` gives: its inner counts, k and whether zeros are structural. */
const registerArb = (shapes: fc.Arbitrary<number[]>) =>
  shapes.chain((sizes) =>
    fc.record({
      sizes: fc.constant(sizes),
      counts: fc.array(countArb, { minLength: sizes.reduce((a, b) => a * b, 1), maxLength: sizes.reduce((a, b) => a * b, 1) }),
      k: fc.constantFrom(3, 5),
      structuralZeros: fc.boolean(),
    }),
  );

const tableArb = (maxInner: number) =>
  registerArb(
    fc
      .integer({ min: 1, max: 5 })
      .chain((d) => fc.array(fc.integer({ min: 2, max: d <= 2 ? 5 : d === 3 ? 3 : 2 }), { minLength: d, maxLength: d }))
      .filter((sizes) => sizes.reduce((a, b) => a * b, 1) <= maxInner),
  );

function trueValue(sizes: readonly number[], counts: readonly number[], key: readonly string[]): number {
  return innerCellsOf(sizes, key).reduce((s, i) => s + counts[i], 0);
}

/** Published cells of a table as equations over its inner cells (offset for linked tables). */
function equationsOf(sizes: readonly number[], cells: readonly { key: readonly string[]; value: number | null }[], map: (inner: number) => number[] = (i) => [i]): Equation[] {
  const eqs: Equation[] = [];
  for (const c of cells) if (c.value !== null) eqs.push({ vars: innerCellsOf(sizes, c.key).flatMap(map), value: c.value });
  return eqs;
}

/** Hidden cells of a table as the lists of variables they sum (the same mapping as equationsOf). */
function hiddenOf(sizes: readonly number[], cells: readonly { key: readonly string[]; value: number | null }[], map: (inner: number) => number[] = (i) => [i]): number[][] {
  return cells.filter((c) => c.value === null).map((c) => innerCellsOf(sizes, c.key).flatMap(map));
}

/** The independent LP adversary (lpInterval) over `eqs` cannot narrow any target below `range`; returns how many it checked. */
async function expectWideToLp(nVars: number, eqs: readonly Equation[], targets: readonly number[][], range: number): Promise<number> {
  for (const target of targets) {
    const [lo, hi] = await lpInterval(nVars, eqs, target);
    expect(hi - lo).toBeGreaterThanOrEqual(range - 1e-6);
  }
  return targets.length;
}

/** Three months (2026-04 to 06) released one after another through the ledger, then the quarter 2026-Q2 by `quarterSizes` (the months' first dimensions). */
async function monthsThenQuarter(sizes: readonly number[], quarterSizes: readonly number[], months: readonly number[][]) {
  const monthly = syntheticDataset('m', sizes);
  const quarterly = syntheticDataset('q', quarterSizes, { periodType: 'quarter' });
  const standard = syntheticStandard(sizes, [monthly, quarterly]);
  const names = ['2026-04', '2026-05', '2026-06'];
  const records = months.flatMap((c, m) => recordsFor(sizes, c, names[m], names[m]));
  const ledger: LedgerEntry[] = [];
  for (const m of names) {
    const { tables } = await protectRelease({ standard, datasets: [monthly], period: m, records, ledger });
    ledger.push({ datasetId: 'm', period: m, revision: 1, cells: tables[0].cells });
  }
  const { tables } = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records, ledger });
  return { ledger, tables };
}

/** Late changes to a table of n inner cells: a few records added to (or, below 0, taken from) random inner cells. */
const lateArb = (n: number, lateMin = 1) => fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: lateMin, max: 3 })), { minLength: 1, maxLength: 3 });

/** A release's cells as the node's ledger keeps them: with the true counts of the hidden ones (ProtectedRelease.withheld). */
function keptCells(out: ProtectedRelease): LedgerCell[] {
  const kept = new Map(out.withheld[0].cells.map((c) => [c.key.join('|'), c.value]));
  return out.tables[0].cells.map((c) => ({ key: c.key, value: c.value, withheld: kept.get(c.key.join('|')) }));
}

/** A table of 1 to maxDims dimensions (2 or 3 codes each) and late changes: a few records added to (or, below 0, taken from) random inner cells. */
const revisionArb = (maxDims: number, lateMin: number) =>
  fc.integer({ min: 1, max: maxDims }).chain((d) =>
    fc.array(fc.integer({ min: 2, max: 3 }), { minLength: d, maxLength: d }).chain((sizes) => {
      const n = sizes.reduce((a, b) => a * b, 1);
      return fc.record({
        sizes: fc.constant(sizes),
        counts: fc.array(countArb, { minLength: n, maxLength: n }),
        late: lateArb(n, lateMin),
      });
    }),
  );

/** Three months of one table of 1 to maxDims dimensions (2 or 3 codes each), and `more` arbitraries by its number of inner cells and dimensions. */
function threeMonthsArb<T>(maxDims: number, more: (n: number, dims: number) => { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<{ sizes: number[]; months: number[][] } & T> {
  return fc.integer({ min: 1, max: maxDims }).chain((d) =>
    fc.array(fc.integer({ min: 2, max: 3 }), { minLength: d, maxLength: d }).chain((sizes) => {
      const n = sizes.reduce((a, b) => a * b, 1);
      const arbs = { sizes: fc.constant(sizes), months: fc.array(fc.array(countArb, { minLength: n, maxLength: n }), { minLength: 3, maxLength: 3 }), ...more(n, d) };
      return fc.record(arbs) as unknown as fc.Arbitrary<{ sizes: number[]; months: number[][] } & T>;
    }),
  );
}

/** A monthly table 'm' of `sizes` and a quarterly one 'q' of `quarterSizes` (its first dimensions), and the months of 2026-Q2. */
function monthsAndQuarter(sizes: readonly number[], quarterSizes: readonly number[] = sizes) {
  const monthly = syntheticDataset('m', sizes);
  const quarterly = syntheticDataset('q', quarterSizes, { periodType: 'quarter' });
  return { monthly, quarterly, standard: syntheticStandard(sizes, [monthly, quarterly]), names: ['2026-04', '2026-05', '2026-06'] };
}

/** A month released, then its revision after the late changes (which must pass its audit). */
async function releaseAndRevise(sizes: number[], counts: readonly number[], late: readonly [number, number][], keepWithheld = false) {
  const ds = syntheticDataset('m', sizes);
  const standard = syntheticStandard(sizes, [ds]);
  const first = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, counts, '2026-05') });
  const revised = [...counts];
  for (const [i, d] of late) revised[i] = Math.max(0, revised[i] + d);
  // the ledger as a node keeps it: with the true counts of the hidden cells (ProtectedRelease.withheld), or without
  const cells = keepWithheld ? keptCells(first) : first.tables[0].cells;
  const ledger: LedgerEntry[] = [{ datasetId: 'm', period: '2026-05', revision: 1, cells }];
  const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, revised, '2026-05'), ledger });
  expect(report.datasets[0].audit.passed).toBe(true);
  return { first, revised, tables };
}

describe('protectRelease: properties over random registers (1 to 5 dimensions)', () => {
  it('publishes no small cell, margins add up, passes the audit, and an independent adversary cannot narrow any hidden cell below its range', async () => {
    let adversaryChecked = 0;
    await fc.assert(
      fc.asyncProperty(tableArb(36), async ({ sizes, counts, k, structuralZeros }) => {
        const ds = syntheticDataset('t', sizes, { k, structuralZeros });
        const standard = syntheticStandard(sizes, [ds]);
        const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, counts, '2026-05') });
        const t = tables[0];
        const r = report.datasets[0];
        expect(t.cells).toHaveLength(sizes.reduce((a, b) => a * (b + 1), 1));
        for (const c of t.cells) {
          const truth = trueValue(sizes, counts, c.key);
          if (c.value !== null) {
            // no published cell from 1 to k-1, no published zero unless structural
            expect(c.value >= k || (c.value === 0 && structuralZeros)).toBe(true);
            expect(c.value).toBe(truth);
            expect([c.obsStatus, c.confStatus]).toEqual(['A', 'F']);
            // a published margin equals the sum of its parts, published or suppressed
            c.key.forEach((code, d) => {
              if (code !== TOTAL_CODE) return;
              let sum = 0;
              for (let j = 0; j < sizes[d]; j++) sum += trueValue(sizes, counts, c.key.map((x, i) => (i === d ? `c${j}` : x)));
              expect(sum).toBe(c.value);
            });
          } else {
            expect(c.obsStatus).toBe('Q');
            // primary or secondary, one status: which one would narrow the cell
            expect(c.confStatus).toBe('C');
          }
        }
        expect(r.audit.passed).toBe(true);
        expect(r.cells.primary + r.cells.secondary + r.cells.published).toBe(r.cells.total);
        if (r.cells.primary + r.cells.secondary > 0) expect(r.audit.minIntervalWidth).toBeGreaterThanOrEqual(k - 1e-6);
        // independent adversary: exhaustive integer search over everything published (tiny tables only)
        if (counts.length > 12) return;
        const eqs = equationsOf(sizes, t.cells);
        const nVars = counts.length;
        for (const c of t.cells) {
          if (c.value !== null) continue;
          const iv = integerInterval(nVars, eqs, innerCellsOf(sizes, c.key), 20_000);
          if (!iv) continue;
          adversaryChecked++;
          expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(k);
        }
      }),
      { numRuns: 60, seed: 20260501 },
    );
    expect(adversaryChecked).toBeGreaterThan(20);
  });

  it('linked releases: three months then the quarter, the adversary over all four releases cannot narrow any hidden cell', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }).chain((d) =>
          fc.array(fc.integer({ min: 2, max: 3 }), { minLength: d, maxLength: d }).chain((sizes) => {
            const n = sizes.reduce((a, b) => a * b, 1);
            return fc.record({ sizes: fc.constant(sizes), months: fc.array(fc.array(countArb, { minLength: n, maxLength: n }), { minLength: 3, maxLength: 3 }) });
          }),
        ),
        async ({ sizes, months }) => {
          const { ledger, tables } = await monthsThenQuarter(sizes, sizes, months);
          const n = months[0].length;
          const eqs: Equation[] = [
            ...ledger.flatMap((e, m) => equationsOf(sizes, e.cells, (i) => [m * n + i])),
            ...equationsOf(sizes, tables[0].cells, (i) => [i, n + i, 2 * n + i]),
          ];
          const hidden: number[][] = [
            ...ledger.flatMap((e, m) => hiddenOf(sizes, e.cells, (i) => [m * n + i])),
            ...hiddenOf(sizes, tables[0].cells, (i) => [i, n + i, 2 * n + i]),
          ];
          for (const target of hidden) {
            const iv = integerInterval(3 * n, eqs, target, 20_000);
            if (!iv) continue;
            checked++;
            expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(5);
          }
        },
      ),
      { numRuns: 10, seed: 7 },
    );
    expect(checked).toBeGreaterThan(15);
  });

  it('linked releases with different dimensions (months by two, the quarter by one): the adversary who knows every record carries both cannot narrow any hidden cell', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 3 }).chain((s0) =>
          fc.record({ sizes: fc.constant([s0, 2]), months: fc.array(fc.array(countArb, { minLength: 2 * s0, maxLength: 2 * s0 }), { minLength: 3, maxLength: 3 }) }),
        ),
        async ({ sizes, months }) => {
          const { ledger, tables } = await monthsThenQuarter(sizes, [sizes[0]], months);
          const n = 2 * sizes[0];
          // the quarter's cell of code s sums (s, 0) and (s, 1) of every month
          const quarterVars = (s: number) => [0, 1, 2].flatMap((m) => [m * n + 2 * s, m * n + 2 * s + 1]);
          const eqs: Equation[] = [...ledger.flatMap((e, m) => equationsOf(sizes, e.cells, (i) => [m * n + i])), ...equationsOf([sizes[0]], tables[0].cells, quarterVars)];
          const hidden = [...ledger.flatMap((e, m) => hiddenOf(sizes, e.cells, (i) => [m * n + i])), ...hiddenOf([sizes[0]], tables[0].cells, quarterVars)];
          checked += await expectWideToLp(3 * n, eqs, hidden, 5);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('revisions: no difference between a revision and the release it replaces is known to within less than k', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        revisionArb(2, -2),
        async ({ sizes, counts, late }) => {
          const { first, revised, tables } = await releaseAndRevise(sizes, counts, late);
          const n = counts.length;
          const eqsOf = (cells: readonly { key: readonly string[]; value: number | null }[]) => equationsOf(sizes, cells);
          const before = eqsOf(first.tables[0].cells);
          const after = eqsOf(tables[0].cells);
          for (const c of tables[0].cells) {
            const inner = innerCellsOf(sizes, c.key);
            const diff = inner.reduce((s, i) => s + revised[i] - counts[i], 0);
            if (diff === 0 || Math.abs(diff) >= 5) continue;
            // the difference's width is the old cell's width plus the new one's (two independent tables)
            const a = integerInterval(n, before, inner, 20_000);
            const b = integerInterval(n, after, inner, 20_000);
            if (!a || !b) continue;
            checked++;
            expect(a[1] - a[0] + (b[1] - b[0])).toBeGreaterThanOrEqual(5);
          }
        },
      ),
      { numRuns: 40, seed: 5 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('revisions after late additions: an adversary who assumes entries are only ever added (revised >= earlier, cell by cell) cannot narrow any hidden revised cell', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        revisionArb(3, 1),
        async ({ sizes, counts, late }) => {
          const { first, tables } = await releaseAndRevise(sizes, counts, late);
          // the adversary's variables: the counts as first released (0..n-1) and what was added since (n..2n-1), all >= 0
          const n = counts.length;
          const eqs: Equation[] = [
            ...equationsOf(sizes, first.tables[0].cells),
            ...equationsOf(sizes, tables[0].cells, (i) => [i, n + i]),
          ];
          checked += await expectWideToLp(2 * n, eqs, [...hiddenOf(sizes, first.tables[0].cells), ...hiddenOf(sizes, tables[0].cells, (i) => [i, n + i])], 5);
        },
      ),
      { numRuns: 100, seed: 6 },
    );
    expect(checked).toBeGreaterThan(400);
  });

  it.each([
    ['without', false],
    ['with', true],
  ])('revisions after late additions, %s the true counts of the hidden cells kept: where a cell is hidden in both, the adversary cannot narrow the number of entries added to it (1 to k-1) below its range', async (_, keepWithheld) => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        revisionArb(3, 1),
        async ({ sizes, counts, late }) => {
          const { first, revised, tables } = await releaseAndRevise(sizes, counts, late, keepWithheld);
          // variables as above: the counts as first released (0..n-1), what was added since (n..2n-1)
          const n = counts.length;
          const eqs: Equation[] = [...equationsOf(sizes, first.tables[0].cells), ...equationsOf(sizes, tables[0].cells, (i) => [i, n + i])];
          const hiddenBefore = new Set(first.tables[0].cells.filter((c) => c.value === null).map((c) => c.key.join('|')));
          const added = tables[0].cells
            .filter((c) => c.value === null && hiddenBefore.has(c.key.join('|')))
            .map((c) => innerCellsOf(sizes, c.key))
            .filter((inner) => {
              const d = inner.reduce((s, i) => s + revised[i] - counts[i], 0);
              return d >= 1 && d < 5;
            })
            .map((inner) => inner.map((i) => n + i));
          checked += await expectWideToLp(2 * n, eqs, added, 5);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('revisions after late additions, worked: [1, 4, 5] then [2, 4, 10] does not tell that one entry went to the two cells hidden both times', async () => {
    const { first, revised, tables } = await releaseAndRevise([3], [1, 4, 5], [[2, 5], [0, 1]]);
    expect(first.tables[0].cells.map((c) => c.value)).toEqual([null, null, 5, 10]);
    expect(revised).toEqual([2, 4, 10]);
    // Publishing the 10 and the 16 beside the 5 and the 10 of the first release would pin the
    // entries added to the two hidden cells at exactly 1 (6 added in all, 5 of them to the third).
    const eqs: Equation[] = [...equationsOf([3], first.tables[0].cells), ...equationsOf([3], tables[0].cells, (i) => [i, 3 + i])];
    for (const added of [[3], [4], [3, 4]]) {
      const [lo, hi] = await lpInterval(6, eqs, added);
      expect(hi - lo).toBeGreaterThanOrEqual(5);
    }
  });

  it('a month revised after late entries made once its quarter was released, then more late entries and the quarter revised: both released (before the epochs of system.ts both were refused), and the adversary over every release, both revisions of the month included, cannot narrow any hidden cell, nor the entries added between two releases where both hide a cell', async () => {
    let checked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        threeMonthsArb(2, (n) => ({ late: lateArb(n), later: lateArb(n) })),
        async ({ sizes, months, late, later }) => {
          const n = months[0].length;
          const { monthly, quarterly, standard, names } = monthsAndQuarter(sizes);
          const may = [...months[1]];
          for (const [i, d] of late) may[i] += d;
          const mayLater = [...may];
          for (const [i, d] of later) mayLater[i] += d;
          const recordsOf = (mayNow: readonly number[]) => [0, 1, 2].flatMap((m) => recordsFor(sizes, m === 1 ? mayNow : months[m], names[m]));
          // the ledger as the node keeps it: with the true counts of the hidden cells
          const entry = (datasetId: string, period: string, revision: number, out: ProtectedRelease): LedgerEntry => ({ datasetId, period, revision, cells: keptCells(out) });
          const ledger: LedgerEntry[] = [];
          for (const m of names) {
            ledger.push(entry('m', m, 1, await protectRelease({ standard, datasets: [monthly], period: m, records: recordsOf(months[1]), ledger })));
          }
          const quarter = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records: recordsOf(months[1]), ledger });
          ledger.push(entry('q', '2026-Q2', 1, quarter));
          let mayRevised;
          let quarterRevised;
          try {
            mayRevised = await protectRelease({ standard, datasets: [monthly], period: '2026-05', records: recordsOf(may), ledger });
            ledger.push(entry('m', '2026-05', 2, mayRevised));
            quarterRevised = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records: recordsOf(mayLater), ledger });
          } catch (err) {
            if (!(err instanceof AnonymizerError)) throw err;
            refused++;
            return;
          }
          // the months as first released (m * n + i); May's entries made between its release and the
          // quarter's (3n + i), between the quarter's and May's revision (4n + i), and since (5n + i)
          const hiddenIn = (cells: readonly { key: readonly string[]; value: number | null }[]) => new Set(cells.filter((c) => c.value === null).map((c) => c.key.join('|')));
          const addedTo = (before: readonly { key: readonly string[]; value: number | null }[], after: readonly { key: readonly string[]; value: number | null }[], was: readonly number[], now: readonly number[], vars: (i: number) => number[]) =>
            after
              .filter((c) => c.value === null && hiddenIn(before).has(c.key.join('|')))
              .map((c) => innerCellsOf(sizes, c.key))
              .filter((inner) => {
                const d = inner.reduce((sum, i) => sum + now[i] - was[i], 0);
                return d >= 1 && d < 5;
              })
              .map((inner) => inner.flatMap(vars));
          const firstVars = (m: number) => (i: number) => [m * n + i];
          const quarterVars = (i: number) => [i, n + i, 3 * n + i, 2 * n + i];
          const mayVars = (i: number) => [n + i, 3 * n + i, 4 * n + i];
          const quarterRevisedVars = (i: number) => [i, n + i, 3 * n + i, 4 * n + i, 5 * n + i, 2 * n + i];
          const eqs: Equation[] = [
            ...ledger.slice(0, 3).flatMap((e, m) => equationsOf(sizes, e.cells, firstVars(m))),
            ...equationsOf(sizes, quarter.tables[0].cells, quarterVars),
            ...equationsOf(sizes, mayRevised.tables[0].cells, mayVars),
            ...equationsOf(sizes, quarterRevised.tables[0].cells, quarterRevisedVars),
          ];
          checked += await expectWideToLp(6 * n, eqs, [
            ...ledger.slice(0, 3).flatMap((e, m) => hiddenOf(sizes, e.cells, firstVars(m))),
            ...hiddenOf(sizes, quarter.tables[0].cells, quarterVars),
            ...hiddenOf(sizes, mayRevised.tables[0].cells, mayVars),
            ...hiddenOf(sizes, quarterRevised.tables[0].cells, quarterRevisedVars),
            // what May's revision added to a cell both May releases hide, and the quarter's revision to one both quarters hide
            ...addedTo(ledger[1].cells, mayRevised.tables[0].cells, months[1], may, (i) => [3 * n + i, 4 * n + i]),
            ...addedTo(quarter.tables[0].cells, quarterRevised.tables[0].cells, months[1], mayLater, (i) => [4 * n + i, 5 * n + i]),
            // and to a cell both May's revision and the quarter's hide, since May's revision
            ...addedTo(mayRevised.tables[0].cells, quarterRevised.tables[0].cells, may, mayLater, (i) => [5 * n + i]),
          ], 5);
        },
      ),
      { numRuns: 40, seed: 13 },
    );
    expect(checked).toBeGreaterThan(100);
    expect(refused).toBeLessThan(4);
  });

  it('a month revised twice after late additions: the adversary over all three releases cannot narrow any hidden cell, nor the entries added since either earlier release where it and the last hide a cell', async () => {
    let checked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).chain((d) =>
          fc.array(fc.integer({ min: 2, max: 3 }), { minLength: d, maxLength: d }).chain((sizes) => {
            const n = sizes.reduce((a, b) => a * b, 1);
            return fc.record({ sizes: fc.constant(sizes), counts: fc.array(countArb, { minLength: n, maxLength: n }), late1: lateArb(n), late2: lateArb(n) });
          }),
        ),
        async ({ sizes, counts, late1, late2 }) => {
          const n = counts.length;
          const ds = syntheticDataset('m', sizes);
          const standard = syntheticStandard(sizes, [ds]);
          const second = [...counts];
          for (const [i, d] of late1) second[i] += d;
          const third = [...second];
          for (const [i, d] of late2) third[i] += d;
          const ledger: LedgerEntry[] = [];
          const releases: (readonly { key: readonly string[]; value: number | null }[])[] = [];
          try {
            for (const [revision, c] of [counts, second, third].entries()) {
              const out = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, c, '2026-05', `r${revision}`), ledger });
              ledger.push({ datasetId: 'm', period: '2026-05', revision: revision + 1, cells: keptCells(out) });
              releases.push(out.tables[0].cells);
            }
          } catch (err) {
            if (!(err instanceof AnonymizerError)) throw err;
            refused++;
            return;
          }
          // the counts as first released (i), added before the second release (n + i), before the third (2n + i)
          const vars = (upTo: number) => (i: number) => [0, 1, 2].slice(0, upTo + 1).map((e) => e * n + i);
          const eqs: Equation[] = releases.flatMap((cells, r) => equationsOf(sizes, cells, vars(r)));
          const hidden = (r: number) => new Set(releases[r].filter((c) => c.value === null).map((c) => c.key.join('|')));
          const added: number[][] = [];
          for (const since of [0, 1]) {
            const before = since === 0 ? counts : second;
            for (const c of releases[2]) {
              if (c.value !== null || !hidden(since).has(c.key.join('|'))) continue;
              const inner = innerCellsOf(sizes, c.key);
              const d = inner.reduce((sum, i) => sum + third[i] - before[i], 0);
              if (d >= 1 && d < 5) added.push(inner.flatMap((i) => (since === 0 ? [n + i, 2 * n + i] : [2 * n + i])));
            }
          }
          checked += await expectWideToLp(3 * n, eqs, [...releases.flatMap((cells, r) => hiddenOf(sizes, cells, vars(r))), ...added], 5);
        },
      ),
      { numRuns: 60, seed: 14 },
    );
    expect(checked).toBeGreaterThan(100);
    expect(refused).toBeLessThan(6);
  });

  it('the first release of a quarter after one of its months was revised: the adversary over every release, the month\'s first release included, cannot narrow any hidden cell, nor the entries added between the month\'s two releases where both hide a cell', async () => {
    let checked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        threeMonthsArb(3, (n, d) => ({ quarterDims: fc.integer({ min: 1, max: d }), late: lateArb(n) })),
        async ({ sizes, quarterDims, months, late }) => {
          const n = months[0].length;
          // the quarter by the months' first dimensions: its inner cell j sums the months' j * tail .. j * tail + tail - 1
          const quarterSizes = sizes.slice(0, quarterDims);
          const tail = n / quarterSizes.reduce((a, b) => a * b, 1);
          const { monthly, quarterly, standard, names } = monthsAndQuarter(sizes, quarterSizes);
          const june = [...months[2]];
          for (const [i, d] of late) june[i] += d;
          const recordsWith = (last: readonly number[]) => [months[0], months[1], last].flatMap((c, m) => recordsFor(sizes, c, names[m], names[m]));
          // variables: April (i), May (n + i), June as first released (2n + i), added before its revision (3n + i),
          // added since (4n + i: none, which the adversary does not know)
          const releases: { sizes: readonly number[]; cells: readonly { key: readonly string[]; value: number | null }[]; vars: (i: number) => number[] }[] = [];
          const ledger: LedgerEntry[] = [];
          try {
            for (const [m, period] of names.entries()) {
              const out = await protectRelease({ standard, datasets: [monthly], period, records: recordsWith(months[2]), ledger });
              ledger.push({ datasetId: 'm', period, revision: 1, cells: keptCells(out) });
              releases.push({ sizes, cells: out.tables[0].cells, vars: (i) => [m * n + i] });
            }
            const revised = await protectRelease({ standard, datasets: [monthly], period: '2026-06', records: recordsWith(june), ledger });
            ledger.push({ datasetId: 'm', period: '2026-06', revision: 2, cells: keptCells(revised) });
            releases.push({ sizes, cells: revised.tables[0].cells, vars: (i) => [2 * n + i, 3 * n + i] });
            const quarter = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records: recordsWith(june), ledger });
            expect(quarter.report.datasets[0].audit.passed).toBe(true);
            const months5 = (i: number) => [0, 1, 2, 3, 4].map((b) => b * n + i);
            releases.push({ sizes: quarterSizes, cells: quarter.tables[0].cells, vars: (j) => Array.from({ length: tail }, (_, t) => months5(j * tail + t)).flat() });
          } catch (err) {
            if (!(err instanceof AnonymizerError)) throw err;
            refused++;
            return;
          }
          const eqs = releases.flatMap((r) => equationsOf(r.sizes, r.cells, r.vars));
          const targets = releases.flatMap((r) => hiddenOf(r.sizes, r.cells, r.vars));
          // the entries added to a cell both of June's releases hide, where there are 1 to k-1 of them
          const hiddenFirst = new Set(releases[2].cells.filter((c) => c.value === null).map((c) => c.key.join('|')));
          for (const c of releases[3].cells) {
            if (c.value !== null || !hiddenFirst.has(c.key.join('|'))) continue;
            const inner = innerCellsOf(sizes, c.key);
            const added = inner.reduce((sum, i) => sum + june[i] - months[2][i], 0);
            if (added >= 1 && added < 5) targets.push(inner.map((i) => 3 * n + i));
          }
          checked += await expectWideToLp(5 * n, eqs, targets, 5);
        },
      ),
      { numRuns: 60, seed: 15 },
    );
    expect(checked).toBeGreaterThan(100);
    expect(refused).toBeLessThan(6);
  });

  it('the first release of a quarter after one month grew and another fell: the month that only grew keeps its first release linked, and the adversary who takes its entries as only added cannot narrow any hidden cell', async () => {
    let checked = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        threeMonthsArb(2, (n) => ({ late: lateArb(n), withdrawn: lateArb(n) })),
        async ({ sizes, months, late, withdrawn }) => {
          const n = months[0].length;
          const { monthly, quarterly, standard, names } = monthsAndQuarter(sizes);
          const april = [...months[0]];
          for (const [i, d] of late) april[i] += d;
          const june = [...months[2]];
          for (const [i, d] of withdrawn) june[i] = Math.max(0, june[i] - d);
          const recordsWith = (a: readonly number[], j: readonly number[]) => [a, months[1], j].flatMap((c, m) => recordsFor(sizes, c, names[m], names[m]));
          // variables: April as first released (i), added before its revision (n + i), May (2n + i), June as first
          // released (3n + i) and as revised (4n + i: not tied to the first, counts fell), and the entries added
          // since each month's last release, which the adversary does not know (April 5n + i, May 6n + i, June 7n + i)
          const releases: { cells: readonly { key: readonly string[]; value: number | null }[]; vars: (i: number) => number[] }[] = [];
          const ledger: LedgerEntry[] = [];
          try {
            for (const [m, period] of names.entries()) {
              const out = await protectRelease({ standard, datasets: [monthly], period, records: recordsWith(months[0], months[2]), ledger });
              ledger.push({ datasetId: 'm', period, revision: 1, cells: keptCells(out) });
              releases.push({ cells: out.tables[0].cells, vars: (i) => [(m === 2 ? 3 : m === 1 ? 2 : 0) * n + i] });
            }
            const aprilRevised = await protectRelease({ standard, datasets: [monthly], period: '2026-04', records: recordsWith(april, months[2]), ledger });
            ledger.push({ datasetId: 'm', period: '2026-04', revision: 2, cells: keptCells(aprilRevised) });
            releases.push({ cells: aprilRevised.tables[0].cells, vars: (i) => [i, n + i] });
            const juneRevised = await protectRelease({ standard, datasets: [monthly], period: '2026-06', records: recordsWith(april, june), ledger });
            ledger.push({ datasetId: 'm', period: '2026-06', revision: 2, cells: keptCells(juneRevised) });
            releases.push({ cells: juneRevised.tables[0].cells, vars: (i) => [4 * n + i] });
            const quarter = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records: recordsWith(april, june), ledger });
            expect(quarter.report.datasets[0].audit.passed).toBe(true);
            releases.push({ cells: quarter.tables[0].cells, vars: (i) => [i, n + i, 5 * n + i, 2 * n + i, 6 * n + i, 4 * n + i, 7 * n + i] });
          } catch (err) {
            if (!(err instanceof AnonymizerError)) throw err;
            refused++;
            return;
          }
          const eqs = releases.flatMap((r) => equationsOf(sizes, r.cells, r.vars));
          const targets = releases.flatMap((r) => hiddenOf(sizes, r.cells, r.vars));
          // the entries added to an April cell both its releases hide, where there are 1 to k-1 of them
          const hiddenFirst = new Set(releases[0].cells.filter((c) => c.value === null).map((c) => c.key.join('|')));
          for (const c of releases[3].cells) {
            if (c.value !== null || !hiddenFirst.has(c.key.join('|'))) continue;
            const inner = innerCellsOf(sizes, c.key);
            const added = inner.reduce((sum, i) => sum + april[i] - months[0][i], 0);
            if (added >= 1 && added < 5) targets.push(inner.map((i) => n + i));
          }
          checked += await expectWideToLp(8 * n, eqs, targets, 5);
        },
      ),
      { numRuns: 60, seed: 16 },
    );
    expect(checked).toBeGreaterThan(100);
    expect(refused).toBeLessThan(6);
  });

  it('the first release of a quarter after a month revised downwards (consents withdrawn): released against the latest revisions, as "late entries only add" no longer holds', async () => {
    const sizes = [2, 2];
    const { monthly, quarterly, standard, names } = monthsAndQuarter(sizes);
    const months = [
      [12, 9, 8, 7],
      [10, 11, 6, 9],
      [30, 8, 7, 6],
    ];
    const recordsWith = (june: readonly number[]) => [months[0], months[1], june].flatMap((c, m) => recordsFor(sizes, c, names[m], names[m]));
    const ledger: LedgerEntry[] = [];
    for (const period of names) {
      const out = await protectRelease({ standard, datasets: [monthly], period, records: recordsWith(months[2]), ledger });
      ledger.push({ datasetId: 'm', period, revision: 1, cells: keptCells(out) });
    }
    // twelve consents withdrawn: a difference of 2k or more, published (a smaller group of changes falling in one cell is hidden)
    const june = [18, 8, 7, 6];
    const revised = await protectRelease({ standard, datasets: [monthly], period: '2026-06', records: recordsWith(june), ledger });
    expect(revised.tables[0].cells.find((c) => c.key.join() === 'c0,c0')?.value).toBe(18);
    ledger.push({ datasetId: 'm', period: '2026-06', revision: 2, cells: keptCells(revised) });
    const quarter = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records: recordsWith(june), ledger });
    expect(quarter.report.datasets[0].audit.passed).toBe(true);
    expect(quarter.tables[0].cells.find((c) => c.key.every((k) => k === TOTAL_CODE))?.value).toBe(months[0].concat(months[1], june).reduce((a, b) => a + b, 0));
  });

  it('repair without re-running Gauss suppression (how systems of more than 5,000 cells repair): passes its audit, and an independent adversary cannot narrow any hidden cell', async () => {
    let checked = 0;
    let extraHidden = 0;
    await fc.assert(
      fc.asyncProperty(tableArb(48), async ({ sizes, counts, k, structuralZeros }) => {
        const ds = syntheticDataset('t', sizes, { k, structuralZeros });
        const standard = syntheticStandard(sizes, [ds]);
        const run = (regaussMaxCells?: number) => protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, counts, '2026-05'), regaussMaxCells });
        const [monotone, regauss] = [await run(0), await run()];
        const r = monotone.report.datasets[0];
        expect(r.audit.passed).toBe(true);
        extraHidden += r.cells.secondary - regauss.report.datasets[0].cells.secondary;
        const eqs = equationsOf(sizes, monotone.tables[0].cells);
        for (const c of monotone.tables[0].cells) if (c.value !== null) expect(c.value >= k || (c.value === 0 && structuralZeros)).toBe(true);
        checked += await expectWideToLp(counts.length, eqs, hiddenOf(sizes, monotone.tables[0].cells), k);
      }),
      { numRuns: 40, seed: 9 },
    );
    expect(checked).toBeGreaterThan(200);
    // the price: more hidden cells than with a pass per round
    expect(extraHidden).toBeGreaterThan(0);
  });

  it('larger tables (3 to 5 dimensions, 24 to 300 inner cells) pass their own audit, and an independent adversary cannot narrow their hidden cells', async () => {
    // sizes chosen per dimension count, so that 4- and 5-dimension tables of this size really come up
    const largerArb = registerArb(
      fc
        .constantFrom(3, 4, 5)
        .chain((d) => fc.array(fc.integer({ min: 2, max: d === 3 ? 6 : d === 4 ? 4 : 3 }), { minLength: d, maxLength: d }))
        .filter((sizes) => sizes.reduce((a, b) => a * b, 1) >= 24),
    );
    const dimensionsSeen = new Set<number>();
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(largerArb, async ({ sizes, counts, k, structuralZeros }) => {
        dimensionsSeen.add(sizes.length);
        const ds = syntheticDataset('t', sizes, { k, structuralZeros });
        const standard = syntheticStandard(sizes, [ds]);
        const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, counts, '2026-05') });
        expect(report.datasets[0].audit.passed).toBe(true);
        for (const c of tables[0].cells) if (c.value !== null) expect(c.value >= k || (c.value === 0 && structuralZeros)).toBe(true);
        // the adversary's LP over everything published, for up to 12 hidden cells spread over the table
        const hidden = hiddenOf(sizes, tables[0].cells);
        const step = Math.max(1, Math.ceil(hidden.length / 12));
        checked += await expectWideToLp(counts.length, equationsOf(sizes, tables[0].cells), hidden.filter((_, i) => i % step === 0), protectionRangeOf(ds.protection));
      }),
      { numRuns: 12, seed: 99 },
    );
    expect([...dimensionsSeen].sort()).toEqual([3, 4, 5]);
    expect(checked).toBeGreaterThan(60);
  });
});

describe('progress of the secondary suppression', () => {
  it('reports every audit (counts only), ending with the one that passes, and leaves the result as it is', async () => {
    const sizes = [6, 5, 4];
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const counts = Array.from({ length: 120 }, () => (rnd() < 0.3 ? Math.floor(rnd() * 5) : 5 + Math.floor(rnd() * 30)));
    const ds = syntheticDataset('t', sizes, { k: 5, structuralZeros: true });
    const standard = syntheticStandard(sizes, [ds]);
    const run = (onProgress?: (p: SuppressionProgress) => void) =>
      protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, counts, '2026-05'), onProgress });
    const events: SuppressionProgress[] = [];
    const watched = await run((p) => events.push(p));
    const plain = await run();
    expect(watched).toEqual(plain);

    // this table needs repair rounds after Gauss suppression's first pattern
    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = events[events.length - 1];
    const r = plain.report.datasets[0];
    expect(last).toEqual({ unit: 'incident', round: events.length - 1, cells: r.cells.total, hidden: r.cells.primary + r.cells.secondary, failing: 0, passed: true });
    events.slice(0, -1).forEach((e, i) => {
      expect(e).toMatchObject({ round: i, passed: false });
      expect(e.failing).toBeGreaterThan(0);
      // each round hides more
      expect(events[i + 1].hidden).toBeGreaterThan(e.hidden);
    });
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['cells', 'failing', 'hidden', 'passed', 'round', 'unit']);
  });
});

describe('primary rules beyond small counts', () => {
  it('hides a "100% cell": a small group whose whole count falls in one category (structural zeros published)', async () => {
    // rows c0 (0, 7, 0 -> total 7) and c1 (10, 12, 9): everyone in row c0 is in column c1
    const sizes = [2, 3];
    const ds = syntheticDataset('t', sizes, { structuralZeros: true });
    const { tables } = await protectRelease({ standard: syntheticStandard(sizes, [ds]), datasets: [ds], period: '2026-05', records: recordsFor(sizes, [0, 7, 0, 10, 12, 9], '2026-05') });
    const cell = (key: string[]) => tables[0].cells.find((c) => c.key.join('|') === key.join('|'));
    expect(cell(['c0', 'c1'])).toMatchObject({ value: null, obsStatus: 'Q', confStatus: 'C' });
    // and the zeros beside it stay published: the rule hides the giveaway, not the empty cells
    expect(cell(['c0', 'c0'])).toMatchObject({ value: 0, obsStatus: 'A' });
  });

  it('publishes an empty period as zeros (nobody to disclose), while a zero beside a small count stays hidden', async () => {
    const sizes = [2, 3];
    const ds = syntheticDataset('t', sizes);
    const standard = syntheticStandard(sizes, [ds]);
    const empty = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, [0, 0, 0, 0, 0, 0], '2026-05') });
    expect(empty.tables[0].cells).toHaveLength(12);
    for (const c of empty.tables[0].cells) expect(c).toMatchObject({ value: 0, obsStatus: 'A', confStatus: 'F' });
    expect(empty.report.datasets[0]).toMatchObject({ cells: { primary: 0, secondary: 0, published: 12 }, audit: { passed: true } });
    // one record in the period: its zeros are hidden again (they would tell where that one person is not)
    const one = await protectRelease({ standard, datasets: [ds], period: '2026-05', records: recordsFor(sizes, [1, 0, 0, 0, 0, 0], '2026-05') });
    expect(one.tables[0].cells.filter((c) => c.value === 0)).toEqual([]);
  });

  it('uses the dataset\'s own k (CMS-style k = 11): a 10 is hidden, a 12 beside it too (its complement), never published', async () => {
    const sizes = [2];
    const ds = syntheticDataset('t', sizes, { k: 11 });
    const { tables, report } = await protectRelease({ standard: syntheticStandard(sizes, [ds]), datasets: [ds], period: '2026-05', records: recordsFor(sizes, [10, 12], '2026-05') });
    expect(report.datasets[0]).toMatchObject({ k: 11 });
    expect(tables[0].cells.find((c) => c.key[0] === 'c0')).toMatchObject({ value: null, obsStatus: 'Q', confStatus: 'C' });
    for (const c of tables[0].cells) if (c.value !== null) expect(c.value).toBeGreaterThanOrEqual(11);
  });
});

describe('output carries nothing of the input beyond the dimensions', () => {
  it('the true counts of the hidden cells come apart from the tables (withheld, for the node\'s own ledger): one per hidden cell, none for a published one', async () => {
    const sizes = [3, 2];
    const counts = [9, 1, 14, 0, 22, 7];
    const ds = syntheticDataset('t', sizes);
    const standard = syntheticStandard(sizes, [ds]);
    const out = await protectRelease({ standard, datasets: [ds], period: '2026-02', records: recordsFor(sizes, counts, '2026-02') });
    const hidden = out.tables[0].cells.filter((c) => c.value === null);
    expect(hidden.length).toBeGreaterThanOrEqual(4);
    expect(out.withheld).toHaveLength(1);
    expect(out.withheld[0].datasetId).toBe('t');
    expect(out.withheld[0].cells.map((c) => c.key.join('|'))).toEqual(hidden.map((c) => c.key.join('|')));
    for (const c of out.withheld[0].cells) expect(c.value).toBe(trueValue(sizes, counts, c.key));
  });

  it('type and serialized payload hold only dimension codes, values and status codes', async () => {
    const sizes = [3, 2];
    const ds = syntheticDataset('t', sizes, { periodType: 'quarter' });
    const standard = syntheticStandard(sizes, [ds]);
    const records: ReportableRecord[] = recordsFor(sizes, [9, 1, 14, 0, 22, 7], '2026-02', 'pseudonym-XYZ').map((r) => ({
      ...r,
      attributes: { ...r.attributes, perpetrator_relationship: 'mother_in_law', marital_status: 'married' },
    }));
    const out = await protectRelease({ standard, datasets: [ds], period: '2026-Q1', records });
    const json = JSON.stringify(out.tables);
    expect(json).not.toMatch(/pseudonym|mother_in_law|married|2026-02|perpetrator|marital|subject|month|attributes/);
    for (const t of out.tables) {
      expect(Object.keys(t).sort()).toEqual(['cells', 'datasetId', 'dimensions', 'method', 'period']);
      for (const c of t.cells) {
        expect(Object.keys(c).sort()).toEqual(['confStatus', 'key', 'obsStatus', 'value']);
        c.key.forEach((code, d) => expect([...standard.codes(ds.dimensions[d].codelist), TOTAL_CODE]).toContain(code));
      }
    }
  });
});

describe('left out records and refusals', () => {
  const sizes = [2];
  const ds = syntheticDataset('t', sizes);
  const standard = syntheticStandard(sizes, [ds]);
  const base = recordsFor(sizes, [6, 7], '2026-03');

  it('counts what it leaves out, by reason', async () => {
    const extra: ReportableRecord[] = [
      { ...base[0], consentReporting: false },
      { ...base[0], reportedByOtherMember: true },
      { ...base[0], month: '2026-04' },
      { ...base[0], attributes: { sex: 'nonsense' } },
      { ...base[0], attributes: {} },
      { ...base[0], unit: 'service' },
    ];
    async function* stream() {
      for (const r of [...base, ...extra]) yield r;
    }
    const { report } = await protectRelease({ standard, datasets: [ds], period: '2026-03', records: stream() });
    expect(report.datasets[0].recordsCounted).toBe(13);
    expect(report.datasets[0].leftOut).toEqual({ noConsent: 1, reportedByOtherMember: 1, outsidePeriod: 1, missingOrUnknownCode: 2, overContributionCap: 0 });
  });

  it('refuses bad periods with stable codes', async () => {
    await expect(protectRelease({ standard, datasets: [ds], period: '2026-13', records: base })).rejects.toMatchObject({ code: 'INVALID_PERIOD' });
    await expect(protectRelease({ standard, datasets: [ds], period: '2026-Q1', records: base })).rejects.toMatchObject({ code: 'PERIOD_TYPE_MISMATCH' });
    await expect(protectRelease({ standard, datasets: [ds], period: '2026-Q1', records: base })).rejects.toBeInstanceOf(AnonymizerError);
  });

  it('refuses a dataset that asks a protection range below its k (a range of 0 would ask nothing of the audit)', async () => {
    for (const protectionRange of [0, ds.protection.k - 1]) {
      const weak = { ...ds, protection: { ...ds.protection, protectionRange } };
      await expect(protectRelease({ standard, datasets: [weak], period: '2026-03', records: base })).rejects.toMatchObject({ code: 'INVALID_DATASET' });
    }
    const more = { ...ds, protection: { ...ds.protection, protectionRange: ds.protection.k + 2 } };
    expect((await protectRelease({ standard, datasets: [more], period: '2026-03', records: base })).report.datasets[0].protectionRange).toBe(ds.protection.k + 2);
  });

  it('refuses with LEDGER_INCONSISTENT when the extract contradicts what the months already published', async () => {
    const q = syntheticDataset('q1', sizes, { periodType: 'quarter' });
    const st = syntheticStandard(sizes, [ds, q]);
    const month = (period: string): LedgerEntry => ({ datasetId: 't', period, revision: 1, cells: [{ key: ['c0'], value: 20 }, { key: ['c1'], value: 20 }, { key: ['_T'], value: 40 }] });
    const records = recordsFor(sizes, [100, 100], '2026-03');
    await expect(protectRelease({ standard: st, datasets: [q], period: '2026-Q1', records, ledger: ['2026-01', '2026-02', '2026-03'].map(month) })).rejects.toMatchObject({ code: 'LEDGER_INCONSISTENT' });
  });

  it('refuses with MISSING_ATTRIBUTE an extract without an attribute that a linked earlier release counts by', async () => {
    // months by d0 x d1 were released; the quarter by d0 alone links to them, so its records need d1 too
    const monthly = syntheticDataset('m2', [2, 2]);
    const q = syntheticDataset('q2', [2], { periodType: 'quarter' });
    const st = syntheticStandard([2, 2], [monthly, q]);
    const march = await protectRelease({ standard: st, datasets: [monthly], period: '2026-03', records: recordsFor([2, 2], [10, 10, 10, 10], '2026-03') });
    const ledger: LedgerEntry[] = [{ datasetId: 'm2', period: '2026-03', revision: 1, cells: march.tables[0].cells }];
    const withoutD1 = recordsFor([2], [20, 20], '2026-03');
    await expect(protectRelease({ standard: st, datasets: [q], period: '2026-Q1', records: withoutD1, ledger })).rejects.toMatchObject({ code: 'MISSING_ATTRIBUTE' });
    // with d1 read, it goes through; without the ledger, d1 is not needed
    await expect(protectRelease({ standard: st, datasets: [q], period: '2026-Q1', records: recordsFor([2, 2], [10, 10, 10, 10], '2026-03'), ledger })).resolves.toBeDefined();
    await expect(protectRelease({ standard: st, datasets: [q], period: '2026-Q1', records: withoutD1 })).resolves.toBeDefined();
  });

  it('refuses with AUDIT_FAILED when earlier releases already pin a cell', async () => {
    // months released earlier (wrongly) published March c0 = 3; the quarter's c0 is then
    // pinned by the ledger alone and no further suppression in the quarter can widen it
    const q = syntheticDataset('q1', sizes, { periodType: 'quarter' });
    const st = syntheticStandard(sizes, [ds, q]);
    const recs = recordsFor(sizes, [3, 0], '2026-03');
    const month = (period: string, c0: number): LedgerEntry => ({
      datasetId: 't',
      period,
      revision: 1,
      cells: [
        { key: ['c0'], value: c0 },
        { key: ['c1'], value: 0 },
        { key: ['_T'], value: c0 },
      ],
    });
    const ledger = [month('2026-01', 0), month('2026-02', 0), month('2026-03', 3)];
    await expect(protectRelease({ standard: st, datasets: [q], period: '2026-Q1', records: recs, ledger })).rejects.toMatchObject({ code: 'AUDIT_FAILED' });
  });
});

describe('the example datasets of the standard', () => {
  const index = new StandardIndex(STANDARD);
  const has = (id: string) => index.codelist(id) !== undefined;
  const needed = ['region', 'district', 'violence_type', 'sex', 'age_band', 'service_type', 'service_outcome', 'hotline_topic'];
  const ready = needed.every(has);
  (ready ? it : it.skip)('protects incidents and services (suppression) and hotline (DP) in one release', async () => {
    const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length];
    const records: ReportableRecord[] = [];
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const attr = (a: RecordAttribute, list: string) => [a, pick(index.codes(list), Math.floor(rnd() ** 2 * 50))] as const;
    for (let i = 0; i < 3000; i++) {
      const unit = pick(['incident', 'service', 'consultation'] as const, i);
      records.push({
        unit,
        month: '2026-07',
        subject: `c${i % 900}`,
        consentReporting: rnd() > 0.05,
        reportedByOtherMember: rnd() < 0.02,
        attributes: Object.fromEntries([
          attr('district', 'district'),
          attr('violence_type', 'violence_type'),
          attr('sex', 'sex'),
          attr('age_band', 'age_band'),
          attr('service_type', 'service_type'),
          attr('service_outcome', 'service_outcome'),
          attr('hotline_topic', 'hotline_topic'),
          attr('caller_sex', 'sex'),
        ]),
      });
    }
    // incidents_monthly (1,764 cells) is left out: its audit on a sparse register is too slow yet (see report)
    const datasets = DATASETS.filter((d) => d.periodType === 'month' && d.id !== 'incidents_monthly');
    const out = await protectRelease({ standard: index, datasets, period: '2026-07', records });
    for (const r of out.report.datasets) {
      expect(r.audit.passed).toBe(true);
      expect(r.recordsCounted).toBeGreaterThan(0);
    }
    out.tables.forEach((t: ProtectedTable, i) => {
      const ds = datasets[i];
      for (const c of t.cells) {
        if (ds.protection.method === 'suppression' && c.value !== null) expect(c.value).toBeGreaterThanOrEqual(ds.protection.k);
        if (ds.protection.method === 'differential_privacy') expect(c).toMatchObject({ obsStatus: 'E', confStatus: 'F' });
      }
    });
    expect(protectionRangeOf(datasets[0].protection)).toBe(5);
  });
});

describe('a revision refuted by its own counts (the release without the revision links)', () => {
  it('publishes the true counts: the fallback counts the records by its own layout, not the linked one read as it', async () => {
    // Q by d0 revised for July after its counts fell (c0 30 -> 20); P by (d0, d1) was released for July by suppression,
    // then revised by differential privacy: linked only with the revision links, so the two groups' layouts differ
    const Q = syntheticDataset('Q', [3]);
    const P = syntheticDataset('P', [3, 2]);
    const standard = syntheticStandard([3, 2], [Q, P]);
    const counts = [12, 8, 9, 11, 2, 1];
    const records = recordsFor([3, 2], counts, '2026-07');
    const ledger: LedgerEntry[] = [
      { datasetId: 'Q', period: '2026-07', revision: 1, cells: [{ key: ['c0'], value: 30 }, { key: ['c1'], value: 20 }, { key: ['c2'], value: null }, { key: ['_T'], value: 53 }] },
      { datasetId: 'P', period: '2026-07', revision: 1, cells: [{ key: ['_T', '_T'], value: 50 }] },
      { datasetId: 'P', period: '2026-07', revision: 2, epsilon: 0.5, cells: [{ key: ['_T', '_T'], value: 41 }] },
    ];
    const { tables, report } = await protectRelease({ standard, datasets: [Q], period: '2026-07', records, ledger });
    const truth: Record<string, number> = { c0: counts[0] + counts[1], c1: counts[2] + counts[3], c2: counts[4] + counts[5], _T: counts.reduce((a, b) => a + b, 0) };
    const published = tables[0].cells.filter((c) => c.value !== null);
    expect(published.length).toBeGreaterThan(0);
    for (const c of published) expect({ key: c.key[0], value: c.value }).toEqual({ key: c.key[0], value: truth[c.key[0]] });
    expect(report.datasets[0].recordsCounted).toBe(truth._T);
    expect(report.datasets[0].audit.passed).toBe(true);
  });
});

describe('a standard that raises k after releases were made under the lower one', () => {
  // months released under k = 5; then the Association raises k (and the range) to 11
  const sizes = [4, 3];
  const months = [
    [3, 9, 1, 14, 2, 6, 0, 11, 4, 7, 1, 5],
    [2, 12, 3, 8, 1, 4, 6, 9, 0, 13, 2, 3],
    [5, 7, 2, 10, 3, 1, 4, 12, 1, 6, 3, 8],
  ];
  const names = ['2026-01', '2026-02', '2026-03'];
  const monthlyAt = (k: number) => syntheticDataset('m', sizes, { k });
  const quarterlyAt = (k: number) => syntheticDataset('q', sizes, { k, periodType: 'quarter' });
  const standardAt = (k: number) => syntheticStandard(sizes, [monthlyAt(k), quarterlyAt(k)]);
  const records = months.flatMap((c, m) => recordsFor(sizes, c, names[m], names[m]));
  const releasedAtK5 = async (withProtection: boolean): Promise<LedgerEntry[]> => {
    const ledger: LedgerEntry[] = [];
    for (const m of names) {
      const out = await protectRelease({ standard: standardAt(5), datasets: [monthlyAt(5)], period: m, records, ledger });
      ledger.push({ datasetId: 'm', period: m, revision: 1, cells: keptCells(out), ...(withProtection ? { protection: { k: 5, protectionRange: 5 } } : {}) });
    }
    return ledger;
  };

  it('holds the earlier releases\' hidden cells to the range they were released under, the new table\'s to the new one: the quarter and a month\'s revision are released (the quarter was refused, AUDIT_FAILED, for good)', async () => {
    const ledger = await releasedAtK5(true);
    const quarter = await protectRelease({ standard: standardAt(11), datasets: [quarterlyAt(11)], period: '2026-Q1', records, ledger });
    expect(quarter.report.datasets[0].audit).toMatchObject({ passed: true });
    expect(quarter.report.datasets[0].audit.minIntervalWidth).toBeGreaterThanOrEqual(11);
    // nothing published under 11 in the quarter
    for (const c of quarter.tables[0].cells) if (c.value !== null) expect(c.value === 0 || c.value >= 11).toBe(true);
    // an independent adversary over the four releases: the months' hidden cells stay at least 5 wide, the quarter's 11
    const n = months[0].length;
    const eqs: Equation[] = [...ledger.flatMap((e, m) => equationsOf(sizes, e.cells, (i) => [m * n + i])), ...equationsOf(sizes, quarter.tables[0].cells, (i) => [i, n + i, 2 * n + i])];
    // (by linear programming: with three months of twelve cells the exact integer search does not finish)
    for (const [m, e] of ledger.entries()) {
      for (const target of hiddenOf(sizes, e.cells, (i) => [m * n + i])) {
        const [lo, hi] = await lpInterval(3 * n, eqs, target);
        expect(hi - lo).toBeGreaterThanOrEqual(5 - 1e-6);
      }
    }
    const quarterHidden = hiddenOf(sizes, quarter.tables[0].cells, (i) => [i, n + i, 2 * n + i]);
    expect(quarterHidden.length).toBeGreaterThan(0);
    for (const target of quarterHidden) {
      const [lo, hi] = await lpInterval(3 * n, eqs, target);
      expect(hi - lo).toBeGreaterThanOrEqual(11 - 1e-6);
    }
    // a late entry in March: its revision is released under k = 11 too
    const late = [...records, ...recordsFor(sizes, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '2026-03', 'late')];
    const revision = await protectRelease({ standard: standardAt(11), datasets: [monthlyAt(11)], period: '2026-03', records: late, ledger });
    expect(revision.report.datasets[0].audit).toMatchObject({ passed: true });
  });

  it('without the protection a ledger entry was made under (held to the new range), refuses the quarter: the months\' figures cannot be widened', async () => {
    const ledger = await releasedAtK5(false);
    await expect(protectRelease({ standard: standardAt(11), datasets: [quarterlyAt(11)], period: '2026-Q1', records, ledger })).rejects.toMatchObject({ code: 'AUDIT_FAILED' });
  });
});

describe('figures released earlier that the declaration cannot place', () => {
  it('refuse the release (LEDGER_UNREADABLE) rather than audit without them', async () => {
    // the July table by d0 was released with a code its dataset no longer has ("x2"): left out, the quarter's audit
    // passed a pattern that the July figure, known to an adversary, narrows
    const Q = syntheticDataset('Q', [3], { periodType: 'quarter' });
    const M = syntheticDataset('M', [3]);
    const standard = syntheticStandard([3], [Q, M]);
    const records = [...recordsFor([3], [30, 3, 7], '2026-07'), ...recordsFor([3], [10, 0, 0], '2026-08', 'a')];
    const ledgerWith = (code: string): LedgerEntry[] => [
      { datasetId: 'M', period: '2026-07', revision: 1, cells: [{ key: ['c0'], value: 30 }, { key: ['c1'], value: null }, { key: [code], value: 7 }, { key: ['_T'], value: null }] },
    ];
    await expect(protectRelease({ standard, datasets: [Q], period: '2026-Q3', records, ledger: ledgerWith('x2') })).rejects.toMatchObject({ code: 'LEDGER_UNREADABLE' });
    const placed = await protectRelease({ standard, datasets: [Q], period: '2026-Q3', records, ledger: ledgerWith('c2') });
    expect(placed.report.datasets[0].audit.passed).toBe(true);
  });
});
