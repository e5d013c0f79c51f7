/**
 * Secondary suppression by Gaussian elimination, after Langsrud's GaussSuppression
 * (Statistics Norway, SSBtools, MIT licence).
 *
 * Why this method: it needs no integer solver, handles every margin, hierarchy and linked
 * table in one model matrix (a cell is a 0/1 vector over the inner cells, "atoms"), and
 * it decides exactly what matters for exact disclosure: whether a protected cell is a
 * linear combination of published cells. The hypercube method over-suppresses and
 * silently lowers protection on linked tables; optimal (MIP) methods need a solver we do
 * not have and do not scale. Interval protection (width >= range) is not part of Gauss
 * suppression; protect.ts adds it by auditing and suppressing more where needed.
 *
 * Cells are processed in order: cells already published (the ledger) first, then
 * candidates in descending order of count. A candidate is published unless publishing it
 * would put a protected cell into the span of the published rows; then it is suppressed
 * (and itself protected from then on, so no secondary cell is recomputable either).
 *
 * Implementation (sparse, in the dual): instead of reducing the published rows (whose
 * echelon form fills in badly once margins are published), we keep a basis Z of the
 * null space of the published rows. Initially Z is the identity (nothing is known);
 * publishing row b removes one dimension: choose a pivot z* with b.z* != 0 and replace
 * every other z with b.z != 0 by z - (b.z / b.z*) z*. For tables the basis vectors stay
 * contrasts with few entries (e.g. e_a - e_b), so the work stays sparse. A protected cell
 * x is recomputable exactly when x.z = 0 for every z in Z; we keep W[x][z] = x.z sparse
 * per protected cell, so the test "would b expose x" touches only the protected cells
 * with a non-zero at the pivot.
 */
const EPS = 1e-9;

export type GaussDecision = 'published' | 'dependent' | 'suppressed';

export class GaussSuppressor {
  private readonly z: (Map<number, number> | null)[];
  private readonly atomZ: Set<number>[];
  private readonly w = new Map<number, Map<number, number>>();
  private readonly zP: Set<number>[];

  constructor(nAtoms: number) {
    this.z = new Array<Map<number, number> | null>(nAtoms);
    this.atomZ = new Array<Set<number>>(nAtoms);
    this.zP = new Array<Set<number>>(nAtoms);
    for (let a = 0; a < nAtoms; a++) {
      this.z[a] = new Map([[a, 1]]);
      this.atomZ[a] = new Set([a]);
      this.zP[a] = new Set();
    }
  }

  /** Registers a cell that must not become a linear combination of published cells. */
  protect(id: number, atoms: ArrayLike<number>): void {
    this.addProtected(id, this.dots(atoms));
  }

  /** Publishes a cell whatever it exposes (cells already released). */
  force(atoms: ArrayLike<number>): GaussDecision {
    const dots = this.dots(atoms);
    if (dots.size === 0) return 'dependent';
    this.apply(dots, this.choosePivot(dots));
    return 'published';
  }

  /** Publishes the candidate unless that exposes a protected cell; then protects it instead. */
  offer(id: number, atoms: ArrayLike<number>): GaussDecision {
    const dots = this.dots(atoms);
    if (dots.size === 0) return 'dependent';
    const pivot = this.choosePivot(dots);
    if (this.wouldExpose(dots, pivot)) {
      this.addProtected(id, dots);
      return 'suppressed';
    }
    this.apply(dots, pivot);
    return 'published';
  }

  /** The current null-space basis of the published rows (sparse), for the audit's cheap proofs. */
  nullSpace(): Map<number, number>[] {
    return this.z.filter((z): z is Map<number, number> => z !== null);
  }

  private dots(atoms: ArrayLike<number>): Map<number, number> {
    const d = new Map<number, number>();
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
      for (const zi of this.atomZ[a]) {
        const v = (this.z[zi] as Map<number, number>).get(a) as number;
        d.set(zi, (d.get(zi) ?? 0) + v);
      }
    }
    for (const [zi, v] of d) if (Math.abs(v) < EPS) d.delete(zi);
    return d;
  }

  /** Sparsest basis vector, then the one fewest protected cells touch (less fill-in). */
  private choosePivot(dots: Map<number, number>): number {
    let best = -1;
    let bestSize = Infinity;
    let bestP = Infinity;
    for (const zi of dots.keys()) {
      const size = (this.z[zi] as Map<number, number>).size;
      const p = this.zP[zi].size;
      if (size < bestSize || (size === bestSize && (p < bestP || (p === bestP && zi < best)))) {
        best = zi;
        bestSize = size;
        bestP = p;
      }
    }
    return best;
  }

  private wouldExpose(dots: Map<number, number>, pivot: number): boolean {
    const dp = dots.get(pivot) as number;
    for (const p of this.zP[pivot]) {
      const row = this.w.get(p) as Map<number, number>;
      if (row.size !== dots.size) continue;
      const ws = row.get(pivot) as number;
      let exposed = true;
      for (const [zi, v] of dots) {
        if (zi === pivot) continue;
        const rv = row.get(zi);
        if (rv === undefined || Math.abs(rv - (v / dp) * ws) > EPS * Math.max(1, Math.abs(rv))) {
          exposed = false;
          break;
        }
      }
      if (exposed) return true;
    }
    return false;
  }

  private addProtected(id: number, dots: Map<number, number>): void {
    const row = new Map(dots);
    this.w.set(id, row);
    for (const zi of row.keys()) this.zP[zi].add(id);
  }

  private apply(dots: Map<number, number>, pivot: number): void {
    const dp = dots.get(pivot) as number;
    const zs = this.z[pivot] as Map<number, number>;
    for (const [zi, v] of dots) {
      if (zi === pivot) continue;
      const alpha = v / dp;
      const target = this.z[zi] as Map<number, number>;
      for (const [a, pv] of zs) {
        const nv = (target.get(a) ?? 0) - alpha * pv;
        if (Math.abs(nv) < EPS) {
          if (target.delete(a)) this.atomZ[a].delete(zi);
        } else {
          if (!target.has(a)) this.atomZ[a].add(zi);
          target.set(a, nv);
        }
      }
    }
    for (const p of this.zP[pivot]) {
      const row = this.w.get(p) as Map<number, number>;
      const ws = row.get(pivot) as number;
      row.delete(pivot);
      for (const [zi, v] of dots) {
        if (zi === pivot) continue;
        const nv = (row.get(zi) ?? 0) - (v / dp) * ws;
        if (Math.abs(nv) < EPS) {
          if (row.delete(zi)) this.zP[zi].delete(p);
        } else {
          if (!row.has(zi)) this.zP[zi].add(p);
          row.set(zi, nv);
        }
      }
    }
    for (const a of zs.keys()) this.atomZ[a].delete(pivot);
    this.zP[pivot] = new Set();
    this.z[pivot] = null;
  }
}
