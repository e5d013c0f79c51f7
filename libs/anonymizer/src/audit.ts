import { EqualityLp } from './lp';

/**
 * The audit: what an adversary can prove about every suppressed cell from everything
 * published (this release and the node's earlier releases), by linear programming over
 * the inner cells ("atoms") with counts >= 0. Kept apart from the suppression code on
 * purpose: it only sees published values and cell definitions, never how the pattern
 * was chosen.
 *
 * Engineering, so a 10,000-cell table audits in seconds rather than minutes:
 * 1. Cheap deductions first (as the adversary would): a published cell with one unknown
 *    atom fixes it; a published cell whose remainder is 0 fixes all its atoms at 0.
 *    Known atoms become constants; only the remaining atoms are LP variables.
 * 2. Constraints that share no unknown are independent: the system splits into
 *    connected components (union-find), each solved alone (usually small).
 * 3. Per component one phase-1 solve, then every objective (min and max of each
 *    suppressed cell's part in the component) starts from the previous optimal basis.
 * 4. Every vertex found is a feasible point: each cell's [min seen, max seen] over those
 *    points is inside its true interval, so once max seen - min seen >= range the cell
 *    is proven safe and its LPs are skipped.
 */
export interface AuditCell {
  /** Atom (inner cell) indexes the cell sums. */
  readonly atoms: ArrayLike<number>;
  /** Published value, or null when suppressed. */
  readonly value: number | null;
  /** Required interval width when suppressed. */
  readonly range: number;
}

export interface CellInterval {
  /** Lower and upper end (exact when `exact`, else a sub-interval of the true one). */
  readonly lo: number;
  readonly hi: number;
  readonly exact: boolean;
}

export interface AuditOutcome {
  /** False when the published figures contradict each other (no feasible table). */
  readonly consistent: boolean;
  /** Interval per suppressed cell index. */
  readonly intervals: Map<number, CellInterval>;
  /** Suppressed cells whose proven interval is narrower than their range. */
  readonly failing: number[];
  readonly minWidth: number;
  readonly linearPrograms: number;
}

const TOL = 1e-6;

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[x] !== r) {
      const next = this.parent[x];
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[ra] = rb;
  }
}

export function auditCells(nAtoms: number, cells: readonly AuditCell[]): AuditOutcome {
  const known = new Float64Array(nAtoms).fill(NaN);
  const published: number[] = [];
  const suppressed: number[] = [];
  cells.forEach((c, i) => (c.value === null ? suppressed.push(i) : published.push(i)));

  // atom -> published cells containing it
  const counts = new Int32Array(nAtoms + 1);
  for (const i of published) for (let k = 0; k < cells[i].atoms.length; k++) counts[cells[i].atoms[k] + 1]++;
  for (let a = 0; a < nAtoms; a++) counts[a + 1] += counts[a];
  const fill = counts.slice(0, nAtoms);
  const byAtom = new Int32Array(counts[nAtoms]);
  for (const i of published) for (let k = 0; k < cells[i].atoms.length; k++) byAtom[fill[cells[i].atoms[k]]++] = i;

  // 1. propagation
  const unknownCount = new Int32Array(cells.length);
  const residual = new Float64Array(cells.length);
  const queue: number[] = [];
  for (const i of published) {
    unknownCount[i] = cells[i].atoms.length;
    residual[i] = cells[i].value as number;
    queue.push(i);
  }
  let consistent = true;
  const setAtom = (a: number, v: number): void => {
    known[a] = v;
    for (let p = counts[a]; p < counts[a + 1]; p++) {
      const c = byAtom[p];
      unknownCount[c]--;
      residual[c] -= v;
      if (unknownCount[c] <= 1 || Math.abs(residual[c]) < TOL) queue.push(c);
    }
  };
  while (queue.length > 0) {
    const c = queue.pop() as number;
    const atoms = cells[c].atoms;
    if (residual[c] < -TOL) consistent = false;
    if (unknownCount[c] === 0) {
      if (Math.abs(residual[c]) > TOL) consistent = false;
      continue;
    }
    if (unknownCount[c] === 1) {
      for (let k = 0; k < atoms.length; k++) if (Number.isNaN(known[atoms[k]])) setAtom(atoms[k], residual[c]);
    } else if (Math.abs(residual[c]) < TOL) {
      for (let k = 0; k < atoms.length; k++) if (Number.isNaN(known[atoms[k]])) setAtom(atoms[k], 0);
    }
  }
  const intervals = new Map<number, CellInterval>();
  if (!consistent) return { consistent, intervals, failing: [], minWidth: 0, linearPrograms: 0 };

  // 2. constraints over unknown atoms, components
  const uf = new UnionFind(nAtoms);
  const inConstraint = new Uint8Array(nAtoms);
  const constraints: number[] = [];
  const seen = new Map<string, number>();
  for (const i of published) {
    if (unknownCount[i] === 0) continue;
    const u: number[] = [];
    const atoms = cells[i].atoms;
    for (let k = 0; k < atoms.length; k++) if (Number.isNaN(known[atoms[k]])) u.push(atoms[k]);
    const key = u.join(',');
    const prev = seen.get(key);
    if (prev !== undefined) {
      if (Math.abs(residual[prev] - residual[i]) > TOL) return { consistent: false, intervals, failing: [], minWidth: 0, linearPrograms: 0 };
      continue;
    }
    seen.set(key, i);
    constraints.push(i);
    for (const a of u) {
      inConstraint[a] = 1;
      uf.union(u[0], a);
    }
  }

  interface Part {
    cell: number;
    cols: number[];
    lo: number;
    hi: number;
    exact: [boolean, boolean];
  }
  const compParts = new Map<number, Part[]>();
  const cellParts = new Map<number, { known: number; unbounded: boolean; parts: Part[] }>();
  for (const s of suppressed) {
    let k0 = 0;
    let unbounded = false;
    const byComp = new Map<number, number[]>();
    const atoms = cells[s].atoms;
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
      if (!Number.isNaN(known[a])) k0 += known[a];
      else if (!inConstraint[a]) unbounded = true;
      else {
        const r = uf.find(a);
        const list = byComp.get(r);
        if (list) list.push(a);
        else byComp.set(r, [a]);
      }
    }
    const parts: Part[] = [];
    if (!unbounded) {
      for (const [r, atomsInComp] of byComp) {
        const part: Part = { cell: s, cols: atomsInComp, lo: Infinity, hi: -Infinity, exact: [false, false] };
        parts.push(part);
        const list = compParts.get(r);
        if (list) list.push(part);
        else compParts.set(r, [part]);
      }
    }
    cellParts.set(s, { known: k0, unbounded, parts });
  }

  const widthLowerBound = (s: number): number => {
    const cp = cellParts.get(s);
    if (!cp) return 0;
    if (cp.unbounded) return Infinity;
    let w = 0;
    for (const p of cp.parts) w += Math.max(0, p.hi - p.lo);
    return w;
  };

  // 3. one LP per component, warm-started objectives
  const compConstraints = new Map<number, number[]>();
  for (const c of constraints) {
    const atoms = cells[c].atoms;
    for (let k = 0; k < atoms.length; k++) {
      if (Number.isNaN(known[atoms[k]])) {
        const r = uf.find(atoms[k]);
        const list = compConstraints.get(r);
        if (list) list.push(c);
        else compConstraints.set(r, [c]);
        break;
      }
    }
  }
  let linearPrograms = 0;
  for (const [root, parts] of compParts) {
    const rows = compConstraints.get(root) ?? [];
    const local = new Map<number, number>();
    const rowCols: number[][] = [];
    const rhs: number[] = [];
    for (const c of rows) {
      const cols: number[] = [];
      const atoms = cells[c].atoms;
      for (let k = 0; k < atoms.length; k++) {
        const a = atoms[k];
        if (!Number.isNaN(known[a])) continue;
        let j = local.get(a);
        if (j === undefined) {
          j = local.size;
          local.set(a, j);
        }
        cols.push(j);
      }
      rowCols.push(cols);
      rhs.push(residual[c]);
    }
    const localParts = parts.map((p) => ({ part: p, cols: p.cols.map((a) => local.get(a) as number) }));
    const lp = new EqualityLp(rowCols, rhs, local.size);
    if (!lp.feasible()) return { consistent: false, intervals, failing: [], minWidth: 0, linearPrograms };
    const observe = (): void => {
      const x = lp.solution();
      for (const { part, cols } of localParts) {
        let v = 0;
        for (const j of cols) v += x[j];
        if (v < part.lo) part.lo = v;
        if (v > part.hi) part.hi = v;
      }
    };
    observe();
    for (const { part, cols } of localParts) {
      const range = cells[part.cell].range;
      if (widthLowerBound(part.cell) >= range - TOL) continue;
      part.hi = lp.optimize(cols, 'max');
      part.exact[1] = true;
      linearPrograms++;
      observe();
      if (widthLowerBound(part.cell) >= range - TOL) continue;
      part.lo = lp.optimize(cols, 'min');
      part.exact[0] = true;
      linearPrograms++;
      observe();
    }
  }

  const failing: number[] = [];
  let minWidth = Infinity;
  for (const s of suppressed) {
    const cp = cellParts.get(s);
    if (!cp) continue;
    let lo = cp.known;
    let hi = cp.known;
    let exact = true;
    if (cp.unbounded) hi = Infinity;
    for (const p of cp.parts) {
      lo += p.lo;
      hi += p.hi;
      exact = exact && p.exact[0] && p.exact[1];
    }
    intervals.set(s, { lo, hi, exact });
    const width = hi - lo;
    if (width < minWidth) minWidth = width;
    if (width < cells[s].range - TOL) failing.push(s);
  }
  return { consistent: true, intervals, failing, minWidth, linearPrograms };
}
