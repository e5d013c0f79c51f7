/**
 * A small dense two-phase simplex for the audit's linear programs:
 *
 *   find x >= 0 with A x = b (A a 0/1 matrix given by rows), then min / max c . x
 *
 * The audit splits the system into connected components, so each LP here is small; the
 * tableau stays in place between objectives, so the min and max solves of every cell of a
 * component start from the last optimal basis (a warm start: no refactorisation, usually
 * a handful of pivots). Dantzig's rule, falling back to Bland's rule when the solver
 * stalls, so degenerate tables (many zeros) cannot make it cycle.
 */
const EPS = 1e-9;

export class EqualityLp {
  private readonly m: number;
  private readonly n: number;
  /** Row width: n structural + m artificial columns + rhs. */
  private readonly w: number;
  private readonly t: Float64Array;
  private readonly basis: Int32Array;
  private readonly reduced: Float64Array;
  private objective = 0;
  private feasibleChecked: boolean | undefined;
  /** Pivots done so far (for the report and the benchmark). */
  pivots = 0;

  /** `rows[i]` lists the (local) variable indexes with coefficient 1 in constraint i. */
  constructor(rows: readonly (readonly number[])[], rhs: readonly number[], nVars: number) {
    this.m = rows.length;
    this.n = nVars;
    this.w = this.n + this.m + 1;
    this.t = new Float64Array(this.m * this.w);
    this.basis = new Int32Array(this.m);
    this.reduced = new Float64Array(this.n + this.m);
    for (let i = 0; i < this.m; i++) {
      const base = i * this.w;
      for (const j of rows[i]) this.t[base + j] = 1;
      this.t[base + this.n + i] = 1;
      this.t[base + this.w - 1] = rhs[i];
      this.basis[i] = this.n + i;
    }
  }

  /** Phase 1: a basic feasible solution, or false when A x = b, x >= 0 has none. */
  feasible(): boolean {
    if (this.feasibleChecked !== undefined) return this.feasibleChecked;
    const { m, n, w, t } = this;
    for (let i = 0; i < m; i++) if (t[i * w + w - 1] < -EPS) return (this.feasibleChecked = false);
    // minimise the sum of artificials: reduced cost of structural j is -sum_i a_ij
    this.reduced.fill(0);
    this.objective = 0;
    for (let i = 0; i < m; i++) {
      const base = i * w;
      for (let j = 0; j < n; j++) this.reduced[j] -= t[base + j];
      this.objective -= t[base + w - 1];
    }
    this.run(n + m);
    if (-this.objective > 1e-7) return (this.feasibleChecked = false);
    // drive artificials out of the basis where a structural column can replace them
    for (let i = 0; i < m; i++) {
      if (this.basis[i] < n) continue;
      const base = i * w;
      for (let j = 0; j < n; j++) {
        if (Math.abs(t[base + j]) > EPS) {
          this.pivot(i, j);
          break;
        }
      }
      // otherwise the row is redundant: its artificial stays basic at zero and never re-enters
    }
    return (this.feasibleChecked = true);
  }

  /** Current basic solution (structural part). */
  solution(): Float64Array {
    const x = new Float64Array(this.n);
    for (let i = 0; i < this.m; i++) {
      const b = this.basis[i];
      if (b < this.n) x[b] = this.t[i * this.w + this.w - 1];
    }
    return x;
  }

  /**
   * Edge directions of the current basis: for each nonbasic structural variable k, the
   * direction that raises x_k by 1 and moves the basic variables to keep A x = b. Any
   * feasible point plus a multiple of a direction stays on A x = b.
   */
  edgeDirections(): Float64Array[] {
    const { m, n, w, t } = this;
    const isBasic = new Uint8Array(n + m);
    for (let i = 0; i < m; i++) isBasic[this.basis[i]] = 1;
    const out: Float64Array[] = [];
    for (let k = 0; k < n; k++) {
      if (isBasic[k]) continue;
      const d = new Float64Array(n);
      d[k] = 1;
      for (let i = 0; i < m; i++) {
        const b = this.basis[i];
        const a = t[i * w + k];
        if (b < n && a !== 0) d[b] = -a;
      }
      out.push(d);
    }
    return out;
  }

  /** Optimum of sum of x[cols] (each coefficient 1) in the given sense, from the current basis. */
  optimize(cols: readonly number[], sense: 'min' | 'max'): number {
    if (!this.feasible()) throw new Error('infeasible linear program');
    const { m, n, w, t } = this;
    const sign = sense === 'min' ? 1 : -1;
    const c = new Float64Array(n);
    for (const j of cols) c[j] = sign;
    // reduced costs d_j = c_j - sum_i c_B(i) t_ij; objective = sum_i c_B(i) rhs_i (kept negated)
    this.reduced.fill(0);
    for (let j = 0; j < n; j++) this.reduced[j] = c[j];
    for (let j = n; j < n + m; j++) this.reduced[j] = 0;
    this.objective = 0;
    for (let i = 0; i < m; i++) {
      const b = this.basis[i];
      const cb = b < n ? c[b] : 0;
      if (cb === 0) continue;
      const base = i * w;
      for (let j = 0; j < n; j++) this.reduced[j] -= cb * t[base + j];
      this.objective -= cb * t[base + w - 1];
    }
    for (let i = 0; i < m; i++) if (this.basis[i] < n) this.reduced[this.basis[i]] = 0;
    this.run(n);
    return sign * -this.objective;
  }

  /** Simplex iterations over entering columns < limit (artificials barred in phase 2). */
  private run(limit: number): void {
    const { m, w, t } = this;
    let stall = 0;
    let bland = false;
    for (let iter = 0; iter < 1_000_000; iter++) {
      if (stall > 50) bland = true;
      let enter = -1;
      let best = -EPS;
      for (let j = 0; j < limit; j++) {
        const d = this.reduced[j];
        if (d < best) {
          enter = j;
          if (bland) break;
          best = d;
        }
      }
      if (enter < 0) return;
      let leave = -1;
      let ratio = Infinity;
      for (let i = 0; i < m; i++) {
        const a = t[i * w + enter];
        if (a > EPS) {
          const r = t[i * w + w - 1] / a;
          if (r < ratio - EPS || (r <= ratio + EPS && leave >= 0 && this.basis[i] < this.basis[leave])) {
            ratio = r;
            leave = i;
          }
        }
      }
      if (leave < 0) {
        // unbounded: cannot happen for 0/1 rows with finite rhs, but never loop forever
        this.objective = -Infinity;
        return;
      }
      stall = ratio < EPS ? stall + 1 : 0;
      this.pivot(leave, enter);
    }
    throw new Error('simplex iteration limit reached');
  }

  private pivot(row: number, col: number): void {
    const { m, w, t } = this;
    this.pivots++;
    const pb = row * w;
    const inv = 1 / t[pb + col];
    const nz: number[] = [];
    for (let j = 0; j < w; j++) {
      if (t[pb + j] !== 0) {
        t[pb + j] *= inv;
        if (Math.abs(t[pb + j]) < 1e-12) t[pb + j] = 0;
        else nz.push(j);
      }
    }
    t[pb + col] = 1;
    for (let i = 0; i < m; i++) {
      if (i === row) continue;
      const base = i * w;
      const f = t[base + col];
      if (f === 0) continue;
      for (const j of nz) {
        const v = t[base + j] - f * t[pb + j];
        t[base + j] = Math.abs(v) < 1e-12 ? 0 : v;
      }
      t[base + col] = 0;
    }
    const f = this.reduced[col];
    if (f !== 0) {
      for (const j of nz) if (j < w - 1) this.reduced[j] -= f * t[pb + j];
      this.objective -= f * t[pb + w - 1];
      this.reduced[col] = 0;
    }
    this.basis[row] = col;
  }
}
