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

export class SpanBasis {
  /** pivot column -> row (pivot coefficient 1; no row holds another row's pivot). */
  private readonly rows = new Map<number, SparseVector>();

  get rank(): number {
    return this.rows.size;
  }

  /** v minus its projection on the basis (all pivot columns eliminated). */
  reduce(v: SparseVector): SparseVector {
    const out = new Map(v);
    for (const [col, coef] of v) {
      const row = this.rows.get(col);
      if (!row) continue;
      const f = out.get(col);
      if (f === undefined || f === 0) continue;
      void coef;
      for (const [c, x] of row) {
        const next = ((out.get(c) ?? 0) - ((f * x) % PRIME) + PRIME) % PRIME;
        if (next === 0) out.delete(c);
        else out.set(c, next);
      }
    }
    return out;
  }

  /** Adds a vector; returns false when it was already in the span. */
  add(v: SparseVector): boolean {
    const r = this.reduce(v);
    if (r.size === 0) return false;
    let pivot = -1;
    for (const c of r.keys()) if (pivot < 0 || c < pivot) pivot = c;
    const scale = inv(r.get(pivot) ?? 1);
    for (const [c, x] of r) r.set(c, (x * scale) % PRIME);
    for (const row of this.rows.values()) {
      const f = row.get(pivot);
      if (f === undefined) continue;
      for (const [c, x] of r) {
        const next = ((row.get(c) ?? 0) - ((f * x) % PRIME) + PRIME) % PRIME;
        if (next === 0) row.delete(c);
        else row.set(c, next);
      }
    }
    this.rows.set(pivot, r);
    return true;
  }

  contains(v: SparseVector): boolean {
    return this.reduce(v).size === 0;
  }
}

export function indicator(cols: Iterable<number>): SparseVector {
  const v: SparseVector = new Map();
  for (const c of cols) v.set(c, 1);
  return v;
}
