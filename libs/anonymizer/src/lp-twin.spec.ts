import { TOTAL_CODE } from '@paivand/schema';
import { AuditCell, auditCells, highsSolver } from './audit';
import type { Worker } from 'node:worker_threads';
import { LpTwin } from './lp-twin';

/** Atom indexes of the cell with this key (c<i> or _T per dimension) in a table over `sizes`. */
function atomsOf(sizes: readonly number[], key: readonly string[]): number[] {
  let atoms = [0];
  sizes.forEach((n, d) => {
    const codes = key[d] === TOTAL_CODE ? Array.from({ length: n }, (_, c) => c) : [Number(key[d].slice(1))];
    atoms = atoms.flatMap((a) => codes.map((c) => a * n + c));
  });
  return atoms;
}

function allKeys(sizes: readonly number[]): string[][] {
  let keys: string[][] = [[]];
  for (const n of sizes) keys = keys.flatMap((k) => [...Array.from({ length: n }, (_, c) => [...k, `c${c}`]), [...k, TOTAL_CODE]]);
  return keys;
}

/** Deterministic pseudo-random numbers in [0, 1) (a test fixture, not a privacy use). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/**
 * A 5^4 table with its margins, about 30% of its inner counts small, the small cells and half the others
 * hidden (so that components are large and many cells open): the audit's cells and the true counts.
 */
function randomTable(seed: number): { nAtoms: number; counts: number[]; cells: AuditCell[] } {
  const sizes = [5, 5, 5, 5];
  const rnd = lcg(seed);
  const nAtoms = 625;
  const counts = Array.from({ length: nAtoms }, () => (rnd() < 0.3 ? Math.floor(rnd() * 4) : 4 + Math.floor(rnd() * 40)));
  const cells: AuditCell[] = allKeys(sizes).map((key) => {
    const atoms = atomsOf(sizes, key);
    const value = atoms.reduce((s, a) => s + counts[a], 0);
    return { atoms, value: value < 4 || rnd() < 0.5 ? null : value, range: 5 };
  });
  return { nAtoms, counts, cells };
}

describe('the LP twin: a second HiGHS in a worker thread for the audit\'s aggregated rounds', () => {
  it('solves a component model as the main thread does: optimum and point, and infeasibility', async () => {
    const twin = LpTwin.shared();
    expect(twin).not.toBeNull();
    if (!twin) return;
    // x0 + x1 = 4, x1 + x2 = 3, x >= 0
    const starts = Int32Array.of(0, 2, 4);
    const indices = Int32Array.of(0, 1, 1, 2);
    const model = twin.open(starts, indices, Float64Array.of(4, 3), 3);
    const max = await twin.solve(model, Float64Array.of(0, 1, 0), 'max', 1e-8);
    expect(max.status).toBe('optimal');
    expect(max.value).toBeCloseTo(3, 6);
    expect(Array.from(max.x ?? [])).toEqual([expect.closeTo(1, 6), expect.closeTo(3, 6), expect.closeTo(0, 6)]);
    const min = await twin.solve(model, Float64Array.of(1, 0, 1), 'min', 1e-8);
    expect(min.value).toBeCloseTo(1, 6);
    twin.close(model);

    // the same minimum by the main thread's HiGHS
    const highs = await highsSolver();
    const main = highs.createModel({
      numCols: 3,
      numRows: 2,
      colCost: Float64Array.of(1, 0, 1),
      colLower: new Float64Array(3),
      colUpper: new Float64Array(3).fill(highs.infinity),
      rowLower: Float64Array.of(4, 3),
      rowUpper: Float64Array.of(4, 3),
      matrix: { format: 'csr', numRows: 2, numCols: 3, starts, indices, values: new Float64Array(4).fill(1) },
    });
    try {
      main.options.set({ output_flag: false });
      main.run();
      expect(main.getObjectiveValue()).toBeCloseTo(min.value as number, 6);
    } finally {
      main.dispose();
    }

    // x0 + x1 = 1 and x0 + x1 + x2 = 0 with x >= 0: no table fits
    const bad = twin.open(Int32Array.of(0, 2, 5), Int32Array.of(0, 1, 0, 1, 2), Float64Array.of(1, 0), 3);
    expect((await twin.solve(bad, Float64Array.of(1, 1, 1), 'max', 1e-8)).status).toBe('infeasible');
    twin.close(bad);
  });

  it('an audit with the twin finds what the audit without it finds, cell for cell, and the twin did solve', async () => {
    const { nAtoms, counts, cells } = randomTable(20261124);
    const twin = LpTwin.shared();
    const before = twin?.solved ?? 0;
    // interior point everywhere (components of any size), as components of 2,000 atoms and more have it
    const alone = await auditCells(nAtoms, cells, { hint: counts, ipmMinColumns: 0, twin: false });
    expect(twin?.solved ?? 0).toBe(before);
    const paired = await auditCells(nAtoms, cells, { hint: counts, ipmMinColumns: 0 });
    expect(twin?.solved ?? 0).toBeGreaterThan(before);

    expect(paired.consistent).toBe(alone.consistent);
    expect(paired.linearPrograms).toBe(alone.linearPrograms);
    expect([...paired.failing].sort((a, b) => a - b)).toEqual([...alone.failing].sort((a, b) => a - b));
    expect(paired.intervals.size).toBe(alone.intervals.size);
    for (const [i, iv] of alone.intervals) {
      const other = paired.intervals.get(i);
      expect(other).toBeDefined();
      expect(other?.exact).toBe(iv.exact);
      expect(other?.lo).toBeCloseTo(iv.lo, 6);
      if (iv.hi === Infinity) expect(other?.hi).toBe(Infinity);
      else expect(other?.hi).toBeCloseTo(iv.hi, 6);
    }
    expect(alone.linearPrograms).toBeGreaterThan(2);
  });

  // last in this file: the process's twin stays dead afterwards
  it('a twin that dies in the middle of an audit: the audit solves the rest alone and finds what it finds without a twin', async () => {
    const { nAtoms, counts, cells } = randomTable(20261125);
    const alone = await auditCells(nAtoms, cells, { hint: counts, ipmMinColumns: 0, twin: false });
    const twin = LpTwin.shared();
    expect(twin).not.toBeNull();
    if (!twin) return;
    // the worker is stopped while it solves its first maximum, as a crash of the thread would
    const real = twin.solve.bind(twin);
    let calls = 0;
    const spy = jest.spyOn(twin, 'solve').mockImplementation((model, costs, sense, tolerance) => {
      const answer = real(model, costs, sense, tolerance);
      if (++calls === 1) void (twin as unknown as { worker: Worker }).worker.terminate();
      return answer;
    });
    try {
      const survived = await auditCells(nAtoms, cells, { hint: counts, ipmMinColumns: 0 });
      expect(calls).toBe(1);
      expect(LpTwin.shared()).toBeNull();
      expect(survived.consistent).toBe(alone.consistent);
      expect(survived.linearPrograms).toBe(alone.linearPrograms);
      expect([...survived.failing].sort((a, b) => a - b)).toEqual([...alone.failing].sort((a, b) => a - b));
      expect(survived.intervals.size).toBe(alone.intervals.size);
      for (const [i, iv] of alone.intervals) {
        expect(survived.intervals.get(i)?.lo).toBeCloseTo(iv.lo, 6);
        const hi = survived.intervals.get(i)?.hi;
        if (iv.hi === Infinity) expect(hi).toBe(Infinity);
        else expect(hi).toBeCloseTo(iv.hi, 6);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
