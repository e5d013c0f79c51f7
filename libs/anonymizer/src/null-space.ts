/**
 * A sparse basis of the null space of 0/1 rows, in floating point, for the audit's cheap
 * proofs only (audit.ts moves a feasible table along these directions to find more
 * feasible tables). Same elimination as gauss.ts (publishing a row removes one dimension:
 * z - (b.z / b.z*) z* for every z with b.z != 0, the sparsest z* as pivot), without the
 * protected cells, and with the same data structures: sorted sparse vectors in typed
 * arrays combined by a linear merge, and an append-only atom -> vectors index pruned when
 * read. (Vectors as hash maps took 5.2 s for the 12 million entry updates of a
 * 10,000-cell table's final audit.) Floating point drifts on large systems, so the audit
 * checks every direction against the rows before it trusts a point built from it.
 */
import { find, Vec } from './gauss';

const EPS = 1e-9;

export class RealNullSpace {
  private readonly z: (Vec | null)[];
  /** atom -> vectors that may hold it (lazy: checked when read). */
  private readonly atomZ: number[][];
  private readonly acc: Float64Array;
  private readonly mark: Int32Array;
  private readonly seen: Int32Array;
  private stamp = 0;
  /** Entries merged so far: the elimination's cost, for a caller that sets itself a budget. */
  work = 0;
  private scratchIdx = new Int32Array(1024);
  private scratchVal = new Float64Array(1024);

  constructor(n: number) {
    this.z = new Array<Vec | null>(n);
    this.atomZ = new Array<number[]>(n);
    for (let a = 0; a < n; a++) {
      this.z[a] = { idx: Int32Array.of(a), val: Float64Array.of(1), n: 1 };
      this.atomZ[a] = [a];
    }
    this.acc = new Float64Array(n);
    this.mark = new Int32Array(n);
    this.seen = new Int32Array(n);
  }

  /** Adds a row (the columns where it holds 1). */
  publish(cols: readonly number[]): void {
    const call = ++this.stamp;
    const touched: number[] = [];
    for (const a of cols) {
      const list = this.atomZ[a];
      const atomStamp = ++this.stamp;
      let keep = 0;
      for (let q = 0; q < list.length; q++) {
        const zi = list[q];
        const v = this.z[zi];
        // an index can list a vector twice (an entry that cancelled and came back)
        if (!v || this.seen[zi] === atomStamp) continue;
        const pos = find(v, a);
        if (pos < 0) continue;
        this.seen[zi] = atomStamp;
        list[keep++] = zi;
        if (this.mark[zi] !== call) {
          this.mark[zi] = call;
          this.acc[zi] = 0;
          touched.push(zi);
        }
        this.acc[zi] += v.val[pos];
      }
      list.length = keep;
    }
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
