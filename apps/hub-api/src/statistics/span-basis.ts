/**
 * Row space of sparse vectors over GF(p), kept in reduced row echelon form, to test
 * whether a vector is a linear combination of published cells (then an adversary can
 * compute it) or not. The cells are 0/1 vectors over inner cells; a rank test modulo a
 * large prime agrees with the rational one unless p divides a minor of the matrix,
 * which for these small incidence matrices does not happen in practice.
 */
export const PRIME = 67_108_859; // < 2^26, so products of two residues are exact doubles

function inv(a: number): number {
  // Fermat: a^(p-2) mod p
  let result = 1;
  let base = a % PRIME;
  let e = PRIME - 2;
  while (e > 0) {
    if (e & 1) result = (result * base) % PRIME;
    base = (base * base) % PRIME;
    e = Math.floor(e / 2);
  }
  return result;
}

export type SparseVector = Map<number, number>;

const mod = (a: number): number => ((a % PRIME) + PRIME) % PRIME;

/**
 * Each row may carry a value: the value of the combination of added vectors it is (an
 * added vector's value is what the caller says, e.g. a published count). A vector in the
 * span then has a value too, `valueOf`: what anyone who sees the added vectors' values can
 * compute. Values are residues modulo the prime, read back as integers of magnitude
 * below p/2 (counts here are far smaller).
 */
export class SpanBasis {
  /** pivot column -> row (pivot coefficient 1; no row holds another row's pivot) and its value. */
  private readonly rows = new Map<number, { v: SparseVector; value: number }>();

  get rank(): number {
    return this.rows.size;
  }

  /** v minus its projection on the basis (all pivot columns eliminated), and the projection's value. */
  private project(v: SparseVector): { rest: SparseVector; value: number } {
    const rest = new Map(v);
    let value = 0;
    for (const col of v.keys()) {
      const row = this.rows.get(col);
      if (!row) continue;
      const f = rest.get(col);
      if (f === undefined || f === 0) continue;
      value = (value + ((f * row.value) % PRIME)) % PRIME;
      for (const [c, x] of row.v) {
        const next = ((rest.get(c) ?? 0) - ((f * x) % PRIME) + PRIME) % PRIME;
        if (next === 0) rest.delete(c);
        else rest.set(c, next);
      }
    }
    return { rest, value };
  }

  /** v minus its projection on the basis (all pivot columns eliminated). */
  reduce(v: SparseVector): SparseVector {
    return this.project(v).rest;
  }

  /** Adds a vector (with its value); returns false when it was already in the span. */
  add(v: SparseVector, value = 0): boolean {
    const { rest: r, value: projected } = this.project(v);
    if (r.size === 0) return false;
    let pivot = -1;
    for (const c of r.keys()) if (pivot < 0 || c < pivot) pivot = c;
    const scale = inv(r.get(pivot) ?? 1);
    for (const [c, x] of r) r.set(c, (x * scale) % PRIME);
    // r = (v - projection) * scale, and so is its value
    const rValue = (mod(mod(value) - projected) * scale) % PRIME;
    for (const row of this.rows.values()) {
      const f = row.v.get(pivot);
      if (f === undefined) continue;
      for (const [c, x] of r) {
        const next = ((row.v.get(c) ?? 0) - ((f * x) % PRIME) + PRIME) % PRIME;
        if (next === 0) row.v.delete(c);
        else row.v.set(c, next);
      }
      row.value = mod(row.value - ((f * rValue) % PRIME));
    }
    this.rows.set(pivot, { v: r, value: rValue });
    return true;
  }

  /** The rows of the basis, by pivot column (the smallest column a row holds: no row holds a column below its pivot). */
  pivotRows(): [number, SparseVector][] {
    return [...this.rows].map(([pivot, row]) => [pivot, row.v]);
  }

  contains(v: SparseVector): boolean {
    return this.reduce(v).size === 0;
  }

  /** The value of a vector in the span (from the added vectors' values); null outside it. */
  valueOf(v: SparseVector): number | null {
    const { rest, value } = this.project(v);
    if (rest.size > 0) return null;
    return value > PRIME / 2 ? value - PRIME : value;
  }
}

export function indicator(cols: Iterable<number>): SparseVector {
  const v: SparseVector = new Map();
  for (const c of cols) v.set(c, 1);
  return v;
}
