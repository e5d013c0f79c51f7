/**
 * A sparse basis of the null space of 0/1 rows, in floating point, for the audit's cheap
 * proofs only (audit.ts moves a feasible table along these directions to find more
 * feasible tables). Same elimination as gauss.ts (publishing a row removes one dimension:
 * z - (b.z / b.z*) z* for every z with b.z != 0, the sparsest z* as pivot), without the
 * protected cells, and on the same SparseBasis: sorted sparse vectors in typed arrays
 * combined by a linear merge, and an append-only atom -> vectors index pruned when read.
 * (Vectors as hash maps took 5.2 s for the 12 million entry updates of a 10,000-cell
 * table's final audit.) Floating point drifts on large systems, so the audit
 * checks every direction against the rows before it trusts a point built from it.
 */
import { SparseBasis, Vec } from './gauss';

const EPS = 1e-9;

export class RealNullSpace extends SparseBasis {
  /** Entries merged so far: the elimination's cost, for a caller that sets itself a budget. */
  work = 0;
  private scratchIdx = new Int32Array(1024);
  private scratchVal = new Float64Array(1024);

  /** Adds a row (the columns where it holds 1). */
  publish(cols: readonly number[]): void {
    const touched = this.sums(cols);
    let pivot = -1;
    for (const zi of touched) {
      if (Math.abs(this.acc[zi]) < EPS) continue;
      if (pivot < 0 || (this.z[zi] as Vec).n < (this.z[pivot] as Vec).n) pivot = zi;
    }
    if (pivot < 0) return;
    const dp = this.acc[pivot];
    const zs = this.z[pivot] as Vec;
    for (const zi of touched) {
      const v = this.acc[zi];
      if (zi === pivot || Math.abs(v) < EPS) continue;
      this.z[zi] = this.axpy(this.z[zi] as Vec, v / dp, zs, zi);
    }
    this.z[pivot] = null;
  }

  /** x - alpha * y, dropping entries below EPS; every index y brings into x is noted in atomZ. */
  private axpy(x: Vec, alpha: number, y: Vec, zi: number): Vec {
    this.work += x.n + y.n;
    const cap = x.n + y.n;
    if (this.scratchIdx.length < cap) {
      this.scratchIdx = new Int32Array(cap * 2);
      this.scratchVal = new Float64Array(cap * 2);
    }
    const idx = this.scratchIdx;
    const val = this.scratchVal;
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < x.n || j < y.n) {
      const xi = i < x.n ? x.idx[i] : 0x7fffffff;
      const yj = j < y.n ? y.idx[j] : 0x7fffffff;
      let v: number;
      let at: number;
      if (xi < yj) {
        at = xi;
        v = x.val[i++];
      } else if (yj < xi) {
        at = yj;
        v = -alpha * y.val[j++];
        if (Math.abs(v) >= EPS) this.atomZ[yj].push(zi);
      } else {
        at = xi;
        v = x.val[i++] - alpha * y.val[j++];
      }
      if (Math.abs(v) >= EPS) {
        idx[n] = at;
        val[n++] = v;
      }
    }
    const out = x.idx.length >= n ? x : { idx: new Int32Array(n + (n >> 1)), val: new Float64Array(n + (n >> 1)), n };
    out.idx.set(idx.subarray(0, n));
    out.val.set(val.subarray(0, n));
    out.n = n;
    return out;
  }

  basis(): Vec[] {
    return this.z.filter((z): z is Vec => z !== null);
  }
}
