import fc from 'fast-check';
import { GaussDecision, GaussSuppressor, mulmod } from './gauss';

/** Rank of 0/1 rows over the rationals, by fraction-free (Bareiss) elimination in BigInt: the reference. */
function rank(rows: readonly (readonly number[])[], nAtoms: number): number {
  const m = rows.map((cols) => {
    const r = new Array<bigint>(nAtoms).fill(0n);
    for (const a of cols) r[a] += 1n;
    return r;
  });
  let rk = 0;
  let prev = 1n;
  for (let c = 0; c < nAtoms && rk < m.length; c++) {
    const p = m.findIndex((r, i) => i >= rk && r[c] !== 0n);
    if (p < 0) continue;
    [m[rk], m[p]] = [m[p], m[rk]];
    for (let i = rk + 1; i < m.length; i++) {
      for (let j = c + 1; j < nAtoms; j++) m[i][j] = (m[rk][c] * m[i][j] - m[i][c] * m[rk][j]) / prev;
      m[i][c] = 0n;
    }
    prev = m[rk][c];
    rk++;
  }
  return rk;
}

/** The decisions Gauss suppression must take, from the definition: publish b unless a protected cell enters the span. */
function reference(nAtoms: number, protectedCells: readonly number[][], candidates: readonly number[][]): GaussDecision[] {
  const published: number[][] = [];
  const prot = [...protectedCells];
  return candidates.map((b) => {
    const base = rank(published, nAtoms);
    const withB = [...published, b];
    const r = rank(withB, nAtoms);
    if (r === base) {
      published.push(b);
      return 'dependent';
    }
    if (prot.some((x) => rank([...withB, x], nAtoms) === r)) {
      prot.push(b);
      return 'suppressed';
    }
    published.push(b);
    return 'published';
  });
}

const cellArb = (nAtoms: number) => fc.uniqueArray(fc.integer({ min: 0, max: nAtoms - 1 }), { minLength: 1, maxLength: nAtoms });

describe('GaussSuppressor (exact arithmetic mod a prime)', () => {
  it('takes exactly the decisions of the definition (rank over the rationals) on random systems', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }).chain((n) => fc.tuple(fc.constant(n), fc.array(cellArb(n), { minLength: 1, maxLength: 3 }), fc.array(cellArb(n), { minLength: 1, maxLength: 18 }))),
        ([n, protectedCells, candidates]) => {
          const g = new GaussSuppressor(n);
          protectedCells.forEach((x, i) => g.protect(-1 - i, x));
          const got = candidates.map((b, i) => g.offer(i, b));
          expect(got).toEqual(reference(n, protectedCells, candidates));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('on a 2x2 table with margins, hides the whole rectangle around one small cell', () => {
    // atoms: 0 1 / 2 3; cells: grand total, row and column margins, inner cells
    const g = new GaussSuppressor(4);
    g.protect(100, [0]);
    const decisions = [[0, 1, 2, 3], [0, 1], [2, 3], [0, 2], [1, 3], [1], [2], [3]].map((b, i) => g.offer(i, b));
    expect(decisions).toEqual(['published', 'published', 'dependent', 'published', 'dependent', 'suppressed', 'suppressed', 'suppressed']);
  });

  it('keeps the exact rank on a 3x3x3x3 table with every margin published (no protected cell)', () => {
    // all margins of a 3x3x3x3 table, then the inner cells: the published rank must be the true rank
    const n = 81;
    const cells: number[][] = [];
    for (let mask = 0; mask < 16; mask++) {
      const groups = new Map<string, number[]>();
      for (let a = 0; a < n; a++) {
        const coords = [Math.floor(a / 27), Math.floor(a / 9) % 3, Math.floor(a / 3) % 3, a % 3];
        const key = coords.map((c, d) => (mask & (1 << d) ? '_' : c)).join(',');
        groups.set(key, [...(groups.get(key) ?? []), a]);
      }
      cells.push(...groups.values());
    }
    cells.sort((x, y) => y.length - x.length);
    const g = new GaussSuppressor(n);
    const published: number[][] = [];
    for (const [i, b] of cells.entries()) if (g.offer(i, b) !== 'suppressed') published.push(b);
    expect(published).toHaveLength(cells.length);
    expect(rank(published, n)).toBe(n);
  });
});

describe('arithmetic modulo P = 67,108,859', () => {
  it('mulmod (a multiplication by 1/P and one correction, no floating-point %) equals the BigInt remainder', () => {
    const P = 67_108_859;
    const edge = [0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, 2 ** 25, 2 ** 25 + 1, 12_345_678];
    for (const a of edge) for (const b of edge) expect(BigInt(mulmod(a, b))).toBe((BigInt(a) * BigInt(b)) % BigInt(P));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: P - 1 }), fc.integer({ min: 0, max: P - 1 }), (a, b) => BigInt(mulmod(a, b)) === (BigInt(a) * BigInt(b)) % BigInt(P)),
      { numRuns: 20_000, seed: 5 },
    );
  });
});
