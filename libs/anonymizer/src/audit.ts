import { GaussSuppressor } from './gauss';
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

/**
 * `hint`, when given, is a point believed feasible (the true counts): where it satisfies a
 * component's constraints, moving from it along the edge directions of the phase-1 basis
 * as far as counts stay >= 0 gives feasible points cheaply, which proves most cells wide
 * enough without an LP of their own. The hint is checked, never trusted.
 */
export function auditCells(nAtoms: number, cells: readonly AuditCell[], hint?: ArrayLike<number>): AuditOutcome {
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

  // cheap proofs: from the hint (if feasible), move along sparse null-space directions of
  // the published rows as far as counts stay >= 0; each end is a feasible table
  const proven = new Set<number>();
  const seenLo = new Map<number, number>();
  const seenHi = new Map<number, number>();
  if (hint && hintFeasible(cells, published, hint)) {
    const ns = new GaussSuppressor(nAtoms);
    for (const i of published) ns.force(cells[i].atoms);
    const supByAtom = new Map<number, number[]>();
    for (const s of suppressed) {
      const atoms = cells[s].atoms;
      let v = 0;
      for (let k = 0; k < atoms.length; k++) {
        v += hint[atoms[k]];
        const list = supByAtom.get(atoms[k]);
        if (list) list.push(s);
        else supByAtom.set(atoms[k], [s]);
      }
      seenLo.set(s, v);
      seenHi.set(s, v);
    }
    for (const z of ns.nullSpace()) {
      let tHi = Infinity;
      let tLo = -Infinity;
      const dot = new Map<number, number>();
      for (const [a, d] of z) {
        if (d < 0) tHi = Math.min(tHi, hint[a] / -d);
        else tLo = Math.max(tLo, -hint[a] / d);
        for (const s of supByAtom.get(a) ?? []) dot.set(s, (dot.get(s) ?? 0) + d);
      }
      for (const [s, d] of dot) {
        if (Math.abs(d) < 1e-9) continue;
        const base = hintValue(cells[s].atoms, hint);
        const ends = [base + tHi * d, base + tLo * d];
        for (const e of ends) {
          if (e < (seenLo.get(s) as number)) seenLo.set(s, e);
          if (e > (seenHi.get(s) as number)) seenHi.set(s, e);
        }
        if ((seenHi.get(s) as number) - (seenLo.get(s) as number) >= cells[s].range - TOL) proven.add(s);
      }
    }
  }

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
    if (parts.every((p) => proven.has(p.cell))) continue;
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
    if (hint) {
      const x = new Float64Array(local.size);
      for (const [a, j] of local) x[j] = hint[a];
      let ok = true;
      for (let r = 0; r < rowCols.length && ok; r++) {
        let sum = 0;
        for (const j of rowCols[r]) sum += x[j];
        if (Math.abs(sum - rhs[r]) > TOL) ok = false;
      }
      for (let j = 0; j < x.length && ok; j++) if (x[j] < 0) ok = false;
      if (ok) {
        for (const d of lp.edgeDirections()) {
          let tHi = Infinity;
          let tLo = -Infinity;
          for (let j = 0; j < d.length; j++) {
            if (d[j] < -1e-12) tHi = Math.min(tHi, x[j] / -d[j]);
            else if (d[j] > 1e-12) tLo = Math.max(tLo, -x[j] / d[j]);
          }
          if (!Number.isFinite(tHi) || !Number.isFinite(tLo)) continue;
          for (const { part, cols } of localParts) {
            let v0 = 0;
            let s = 0;
            for (const j of cols) {
              v0 += x[j];
              s += d[j];
            }
            if (Math.abs(s) < 1e-12) continue;
            const a = v0 + tHi * s;
            const b = v0 + tLo * s;
            part.lo = Math.min(part.lo, a, b);
            part.hi = Math.max(part.hi, a, b);
          }
        }
      }
    }
    for (const { part, cols } of localParts) {
      if (proven.has(part.cell)) continue;
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
    if (proven.has(s) && !cp.unbounded) {
      const lo = seenLo.get(s) as number;
      const hi = seenHi.get(s) as number;
      intervals.set(s, { lo, hi, exact: false });
      if (hi - lo < minWidth) minWidth = hi - lo;
      continue;
    }
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

function hintValue(atoms: ArrayLike<number>, hint: ArrayLike<number>): number {
  let v = 0;
  for (let k = 0; k < atoms.length; k++) v += hint[atoms[k]];
  return v;
}

function hintFeasible(cells: readonly AuditCell[], published: readonly number[], hint: ArrayLike<number>): boolean {
  for (let a = 0; a < hint.length; a++) if (!(hint[a] >= 0)) return false;
  for (const i of published) if (Math.abs(hintValue(cells[i].atoms, hint) - (cells[i].value as number)) > TOL) return false;
  return true;
}
