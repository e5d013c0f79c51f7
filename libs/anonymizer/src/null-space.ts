/**
 * A sparse basis of the null space of 0/1 rows, in floating point, for the audit's cheap
 * proofs only (audit.ts moves a feasible table along these directions to find more
 * feasible tables). Same elimination as gauss.ts (publishing a row removes one dimension:
 * z - (b.z / b.z*) z* for every z with b.z != 0, the sparsest z* as pivot), without the
 * protected cells. Floating point drifts on large systems, so the audit checks every
 * direction against the rows before it trusts a point built from it.
 */
const EPS = 1e-9;

export class RealNullSpace {
  private readonly z: (Map<number, number> | null)[];
  private readonly atomZ: Set<number>[];

  constructor(n: number) {
    this.z = new Array<Map<number, number> | null>(n);
    this.atomZ = new Array<Set<number>>(n);
    for (let a = 0; a < n; a++) {
      this.z[a] = new Map([[a, 1]]);
      this.atomZ[a] = new Set([a]);
    }
  }

  /** Adds a row (the columns where it holds 1). */
  publish(cols: readonly number[]): void {
    const dots = new Map<number, number>();
    for (const a of cols) {
      for (const zi of this.atomZ[a]) dots.set(zi, (dots.get(zi) ?? 0) + ((this.z[zi] as Map<number, number>).get(a) as number));
    }
    let pivot = -1;
    for (const [zi, v] of dots) {
      if (Math.abs(v) < EPS) continue;
      if (pivot < 0 || (this.z[zi] as Map<number, number>).size < (this.z[pivot] as Map<number, number>).size) pivot = zi;
    }
    if (pivot < 0) return;
    const dp = dots.get(pivot) as number;
    const zs = this.z[pivot] as Map<number, number>;
    for (const [zi, v] of dots) {
      if (zi === pivot || Math.abs(v) < EPS) continue;
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
    for (const a of zs.keys()) this.atomZ[a].delete(pivot);
    this.z[pivot] = null;
  }

  basis(): Map<number, number>[] {
    return this.z.filter((z): z is Map<number, number> => z !== null);
  }
}
