/* Lives under test/ rather than src/: it draws realistic registers from @paivand/synthetic, which the library itself must not import. */
import fc from 'fast-check';
import { DATASETS, StandardIndex, TOTAL_CODE } from '@paivand/schema';
import { generateReportableRecords } from '@paivand/synthetic';
import { AuditCell, auditCells } from '../src/audit';
import { protectRelease } from '../src/protect';
import { innerCellsOf, integerInterval, lpInterval } from './fixtures';

/** Every cell (inner and margins) of a table over `sizes`, as keys c0.. / _T. */
function allKeys(sizes: readonly number[]): string[][] {
  let keys: string[][] = [[]];
  for (const n of sizes) keys = keys.flatMap((k) => [...Array.from({ length: n }, (_, c) => [...k, `c${c}`]), [...k, TOTAL_CODE]]);
  return keys;
}

describe('the audit agrees with an LP written from scratch and with the integer adversary', () => {
  it('random tables of 2 and 3 dimensions with random hidden cells: exact intervals match', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })).map((t) => [...t]), fc.constant([2, 2, 3]), fc.constant([3, 3, 2]))
          .chain((sizes) => {
            const n = sizes.reduce((a, b) => a * b, 1);
            const m = sizes.reduce((a, b) => a * (b + 1), 1);
            return fc.record({
              sizes: fc.constant(sizes),
              counts: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 30 })), { minLength: n, maxLength: n }),
              hidden: fc.array(fc.boolean(), { minLength: m, maxLength: m }),
            });
          }),
        async ({ sizes, counts, hidden }) => {
          const keys = allKeys(sizes);
          const cells: AuditCell[] = keys.map((key, i) => {
            const atoms = innerCellsOf(sizes, key);
            return { atoms, value: hidden[i] ? null : atoms.reduce((s, a) => s + counts[a], 0), range: 5 };
          });
          const out = await auditCells(counts.length, cells, { hint: counts, exact: true });
          expect(out.consistent).toBe(true);
          const eqs = cells.filter((c) => c.value !== null).map((c) => ({ vars: Array.from(c.atoms), value: c.value as number }));
          for (const [i, iv] of out.intervals) {
            if (iv.hi === Infinity) continue;
            expect(iv.exact).toBe(true);
            const target = Array.from(cells[i].atoms);
            // the LP from scratch, as a reader would write it (none of the audit's engineering)
            const [lo, hi] = await lpInterval(counts.length, eqs, target);
            expect(iv.hi).toBeCloseTo(hi, 6);
            expect(iv.lo).toBeCloseTo(lo, 6);
            // two dimensions: the constraint matrix is totally unimodular, LP ends are integer ends
            if (sizes.length === 2) {
              const ints = integerInterval(counts.length, eqs, target, 50_000);
              if (ints) {
                expect(iv.lo).toBeCloseTo(ints[0], 6);
                expect(iv.hi).toBeCloseTo(ints[1], 6);
              }
            }
            compared++;
            const failing = iv.hi - iv.lo < 5 - 1e-6;
            expect(out.failing.includes(i)).toBe(failing);
          }
        },
      ),
      { numRuns: 40, seed: 31 },
    );
    expect(compared).toBeGreaterThan(200);
  });

  it('the fast path (pool, group tests, early stop, interior point) reaches the same verdict per cell as the exact path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          counts: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 30 })), { minLength: 27, maxLength: 27 }),
          hidden: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        }),
        async ({ counts, hidden }) => {
          const sizes = [3, 3, 3];
          const cells: AuditCell[] = allKeys(sizes).map((key, i) => {
            const atoms = innerCellsOf(sizes, key);
            return { atoms, value: hidden[i] ? null : atoms.reduce((s, a) => s + counts[a], 0), range: 5 };
          });
          const fast = await auditCells(27, cells, { hint: counts });
          const exact = await auditCells(27, cells, { exact: true });
          expect([...fast.failing].sort((a, b) => a - b)).toEqual([...exact.failing].sort((a, b) => a - b));
          // aggregated objectives by interior point (what components of 2,000 atoms and more do): the same verdicts
          const viaIpm = await auditCells(27, cells, { hint: counts, ipmMinColumns: 0 });
          expect([...viaIpm.failing].sort((a, b) => a - b)).toEqual([...exact.failing].sort((a, b) => a - b));
          // suspects (an earlier audit's failing cells, some right, some wrong) change how the verdict is reached, never the verdict
          const guided = await auditCells(27, cells, { hint: counts, suspects: new Set([...exact.failing.slice(0, 3), ...fast.intervals.keys()].slice(0, 6)) });
          expect([...guided.failing].sort((a, b) => a - b)).toEqual([...exact.failing].sort((a, b) => a - b));
          // stopping after two failures: only cells that truly fail, at least two of them when there are, never a pass by omission
          const stopped = await auditCells(27, cells, { hint: counts, stopAfter: 2 });
          for (const i of stopped.failing) expect(exact.failing).toContain(i);
          if (exact.failing.length >= 2) expect(stopped.failing.length).toBeGreaterThanOrEqual(2);
          if (stopped.complete) expect([...stopped.failing].sort((a, b) => a - b)).toEqual([...exact.failing].sort((a, b) => a - b));
          else expect(stopped.failing.length).toBeGreaterThan(0);
          for (const [i, iv] of fast.intervals) {
            const ex = exact.intervals.get(i);
            if (!ex || ex.hi === Infinity) continue;
            // the fast interval lies inside the exact one (passing) or around it (failing, outer bound)
            if (!fast.failing.includes(i)) expect(iv.lo >= ex.lo - 1e-6 && iv.hi <= ex.hi + 1e-6).toBe(true);
            else expect(iv.lo <= ex.lo + 1e-6 && iv.hi >= ex.hi - 1e-6).toBe(true);
          }
        },
      ),
      { numRuns: 40, seed: 77 },
    );
  });

  it('bounds only (the repair loop\'s cheap rounds): every cell it reports failing fails the exact audit, inside its outer interval', async () => {
    let reported = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          counts: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 30 })), { minLength: 27, maxLength: 27 }),
          hidden: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
          range: fc.integer({ min: 1, max: 8 }),
        }),
        async ({ counts, hidden, range }) => {
          const sizes = [3, 3, 3];
          const cells: AuditCell[] = allKeys(sizes).map((key, i) => {
            const atoms = innerCellsOf(sizes, key);
            return { atoms, value: hidden[i] ? null : atoms.reduce((s, a) => s + counts[a], 0), range };
          });
          const cheap = await auditCells(27, cells, { boundsOnly: true });
          const exact = await auditCells(27, cells, { exact: true });
          expect(cheap.linearPrograms).toBe(0);
          for (const i of cheap.failing) {
            expect(exact.failing).toContain(i);
            const ex = exact.intervals.get(i) as { lo: number; hi: number };
            const iv = cheap.intervals.get(i) as { lo: number; hi: number };
            expect(iv.lo <= ex.lo + 1e-6 && iv.hi >= ex.hi - 1e-6).toBe(true);
          }
          reported += cheap.failing.length;
        },
      ),
      { numRuns: 60, seed: 91 },
    );
    // the cheap check does find failures (a check that never reports one would pass the loop above)
    expect(reported).toBeGreaterThan(20);
  });

  it('seed points from an earlier audit are used only where they still fit today\'s published cells', async () => {
    // 2x2 table x = (3, 4 / 2, 7), every inner cell hidden, margins published: x0 = t in [0, 5]
    const table = (range: number): AuditCell[] => [
      ...[0, 1, 2, 3].map((a) => ({ atoms: [a], value: null, range })),
      { atoms: [0, 1], value: 7, range },
      { atoms: [2, 3], value: 9, range },
      { atoms: [0, 2], value: 5, range },
      { atoms: [1, 3], value: 11, range },
      { atoms: [0, 1, 2, 3], value: 16, range },
    ];
    // a stale point with x0 = 7 breaks the column x0 + x2 = 5: it must not widen x0 to 7
    const stale = Float64Array.of(7, 0, 0, 9);
    const strict = await auditCells(4, table(6), { seeds: [stale], exact: true });
    expect(strict.failing).toContain(0);
    expect(strict.intervals.get(0)).toMatchObject({ lo: 0, hi: 5 });
    expect(strict.points).not.toContain(stale);
    // a point that fits is used and handed on
    const fresh = Float64Array.of(0, 7, 5, 4);
    const ok = await auditCells(4, table(5), { seeds: [fresh] });
    expect(ok.failing).toEqual([]);
    expect(ok.intervals.get(0)).toMatchObject({ lo: 0, hi: 5 });
    expect(ok.points).toContain(fresh);
  });
});

describe('incidents_monthly (region x violence type x sex x age band, 1,764 cells) for a synthetic centre-month', () => {
  const index = new StandardIndex();
  const ds = DATASETS.find((d) => d.id === 'incidents_monthly');

  it.each([80, 250])('%i incidents: protected and audited in bounded time, nothing small published', async (incidents) => {
    if (!ds) throw new Error('incidents_monthly is not in the catalog');
    const records = [
      ...generateReportableRecords({
        seed: incidents,
        centre: { id: 'khj-cc', centreType: 'crisis_centre', region: 'TJ-SU' },
        from: '2026-07-01',
        to: '2026-07-31',
        incidents,
        salt: 'audit-spec',
        units: ['incident'],
      }),
    ];
    const t0 = performance.now();
    const { tables, report } = await protectRelease({ standard: index, datasets: [ds], period: '2026-07', records });
    const ms = performance.now() - t0;
    const r = report.datasets[0];
    expect(r.cells.total).toBe(1764);
    expect(r.recordsCounted).toBeGreaterThan(0);
    expect(r.audit.passed).toBe(true);
    for (const c of tables[0].cells) if (c.value !== null) expect(c.value).toBeGreaterThanOrEqual(ds.protection.k);
    // Speed is measured by bench/anonymizer.bench.ts, not asserted here; the test timeout bounds it.
    void ms;
  }, 120_000);
});
