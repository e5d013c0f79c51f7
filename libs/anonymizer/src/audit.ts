import loadHighs from 'highs';
import type { Highs, Model } from 'highs';
import { LpTwin, TwinSolution } from './lp-twin';
import { RealNullSpace } from './null-space';

/**
 * The audit: what an adversary can prove about every suppressed cell from everything
 * published (this release and the node's earlier releases), by linear programming over
 * the inner cells ("atoms") with counts >= 0. Kept apart from the suppression code on
 * purpose: it only sees published values and cell definitions, never how the pattern
 * was chosen.
 *
 * For each hidden cell the LP is: variables = hidden atoms, constraints = published cells
 * that contain at least one of them (rhs = published value minus the known parts),
 * atoms >= 0; the cell's interval is [min, max] of its sum; it must be at least its
 * protection range wide. Engineering, so a 10,000-cell table audits in seconds:
 * 1. Cheap deductions first (as the adversary would): a published cell with one unknown
 *    atom fixes it; a published cell whose remainder is 0 fixes all its atoms at 0.
 * 2. The remaining system splits into connected components (atoms linked by a shared
 *    constraint, union-find); each is solved alone.
 * 3. A pool of feasible points per component: every point's value of a hidden cell lies
 *    in its true interval, so once the spread seen over the pool reaches the range the
 *    cell is proven without an LP of its own. Points come from the true table (the hint,
 *    checked, never trusted), from moving it along sparse null-space directions of the
 *    published rows as far as counts stay >= 0, and from a few LPs with aggregated
 *    objectives (maximise / minimise a randomly weighted sum of every still-unproven
 *    cell), which prove many cells at once.
 * 4. Only the cells still unproven get their own max and min LP, solved by HiGHS (an
 *    industrial revised simplex compiled to WebAssembly: robust on the highly degenerate
 *    LPs that hidden zeros create, where a textbook dense simplex cycles), warm-started
 *    from the previous basis of the same component model (a model's first LP and the
 *    aggregated objectives of large components by its interior point method instead); a
 *    cell stops as soon as it is proven. A cell is reported failing only from exact optima of both ends.
 */
export interface AuditCell {
  /** Atom (inner cell) indexes the cell sums. */
  readonly atoms: ArrayLike<number>;
  /** Published value, or null when suppressed. */
  readonly value: number | null;
  /** Required interval width when suppressed. */
  readonly range: number;
  /**
   * Only these values need the range (default: every value): a hidden cell that the published
   * figures confine entirely below `lo` or above `hi` passes, however narrow its interval. For
   * the entries added to a cell since the revision it replaces (suppress.ts): an adversary who
   * proves none were added, or at least k, learns what publishing both values would tell.
   */
  readonly sensitive?: { readonly lo: number; readonly hi: number };
}

export interface CellInterval {
  /** Lower and upper end: exact when `exact`; otherwise a sub-interval of the true one for a passing cell, an outer bound for a failing one. */
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
  /** Feasible points found by LPs (over atoms; NaN outside the component each comes from), and the seeds that still fit. */
  readonly points: Float64Array[];
  /** False when the audit did not look at every hidden cell (`boundsOnly`, `stopAfter`): only a complete audit with nothing failing passes. */
  readonly complete: boolean;
}

export interface AuditOptions {
  /** Point believed feasible (the true atom counts): checked per component, never trusted. */
  readonly hint?: ArrayLike<number>;
  /** Compute every interval exactly (both LPs for every hidden cell): for tests and reports. */
  readonly exact?: boolean;
  /**
   * Hidden cells already proven wide enough by an earlier audit of the same cells with a
   * superset of today's published cells (the caller only ever hides more): every feasible
   * point of that system is feasible here, so the interval found there still holds.
   */
  readonly settled?: ReadonlyMap<number, CellInterval>;
  /**
   * Feasible points of an earlier audit of (nearly) the same system (AuditOutcome.points):
   * each is checked against today's published cells, component by component, and used
   * only where it still fits. The repair loop changes a few cells per round, so most
   * cells stay proven without an LP of their own.
   */
  readonly seeds?: readonly Float64Array[];
  /**
   * Only the cheap proof of failure (deductions and bound propagation, no LP): `failing`
   * then lists the hidden cells whose outer bounds are already narrower than their range,
   * and says nothing about the others (none of them is reported proven either). For a
   * caller that repairs in rounds: what this finds fails for sure, at a fraction of a
   * full audit's cost; only the full audit can pass a table.
   */
  readonly boundsOnly?: boolean;
  /** Hidden cells an earlier audit of (nearly) the same system found failing: tested together first. Changes no verdict, only how many LPs reach it. */
  readonly suspects?: ReadonlySet<number>;
  /**
   * Stop once this many hidden cells are shown failing (for a caller that repairs in rounds
   * and needs some failures, not all): `failing` then lists only cells shown failing, and
   * `complete` is false. A stopped audit never passes a table.
   */
  readonly stopAfter?: number;
  /** Interior point instead of simplex wherever the component has at least this many unknown atoms (tests set 0; default: see IPM_COLD_MIN_COLUMNS). */
  readonly ipmMinColumns?: number;
  /**
   * Solve the maximum of a large component's aggregated rounds on a second thread while this
   * one solves the minimum (lp-twin.ts; default true). Changes no result (an interior point solve
   * carries nothing over from the solves before it), only the time.
   */
  readonly twin?: boolean;
}

const TOL = 1e-6;
/** Feasible points an audit hands to the next one: at most this many doubles in all (64 MB). */
const POINT_BUDGET = 8_000_000;

let highsPromise: Promise<Highs> | undefined;

/** The HiGHS WebAssembly module, loaded once per process (it reads its own .wasm). */
export function highsSolver(): Promise<Highs> {
  if (!highsPromise) {
    highsPromise = loadHighs().catch((err: unknown) => {
      highsPromise = undefined;
      throw err;
    });
  }
  return highsPromise;
}

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

/** Deterministic weights for the aggregated objectives (xorshift; not a privacy use). */
function weights(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return 0.5 + (s % 1000) / 1000;
  };
}

/**
 * When HiGHS's interior point method (with presolve, then crossover to an optimal basis)
 * solves an LP instead of primal simplex; see ComponentLp.solve. Measured on the final
 * audit of a 10,000-cell table (3,478 columns, 3,405 rows): the first aggregated LP took
 * 8.1 s by simplex from the slack basis, 0.7 s by interior point; a later aggregated
 * objective 1.8 to 2.3 s by warm simplex, 0.5 s by interior point; a single-cell LP after
 * it 30 to 160 ms by warm simplex, 0.9 s by interior point. On a centre-month's components
 * (about 860 columns) the first LP took 178 ms from the slack basis and 46 ms by interior
 * point (the month's preparation about 12% faster), but later objectives are cheaper by
 * warm simplex there (all aggregated LPs by interior point made it 40% slower).
 */
const IPM_COLD_MIN_COLUMNS = 500;
const IPM_MIN_COLUMNS = 2_000;
/**
 * An aggregated objective over fewer unproven cells than this is near the last optimum, and
 * warm simplex reaches it faster: the 10,000-cell table's later rounds, 29 cells 0.52 s, 6
 * cells 0.13 to 0.30 s by simplex, about 0.6 s each by interior point; 135 cells 1.8 s by
 * simplex, 0.45 s by interior point.
 */
const IPM_MIN_OBJECTIVE_CELLS = 32;
/**
 * HiGHS's interior point stops at this relative optimality gap on an aggregated objective
 * (default 1e-8). Those solves only supply feasible points (witnesses of width), never a bound,
 * and crossover still ends at a basis: on the 10,000-cell table the six aggregated LPs took
 * 3.8 s instead of 4.7 s, with the same pattern and LP count. Solves whose optimum is used as a
 * bound keep the default.
 */
const IPM_BROAD_TOLERANCE = 1e-5;
const IPM_DEFAULT_TOLERANCE = 1e-8;

/** One component's equality LP { x >= 0, A x = b } as a persistent HiGHS model. */
class ComponentLp {
  /** The model's rows (CSR of 1s) and right-hand side, as loaded (for a twin's copy, lp-twin.ts). */
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly rhs: Float64Array;
  private readonly model: Model;
  private readonly costs: Float64Array;
  /** Which method (and, for interior point, which tolerance) the model's options are set for (none yet). */
  private mode: string | undefined;
  solves = 0;

  constructor(
    private readonly highs: Highs,
    rowCols: readonly (readonly number[])[],
    rhs: readonly number[],
    private readonly n: number,
    private readonly thresholds: { readonly cold: number; readonly broad: number },
  ) {
    const starts = new Int32Array(rowCols.length + 1);
    for (let r = 0; r < rowCols.length; r++) starts[r + 1] = starts[r] + rowCols[r].length;
    const indices = new Int32Array(starts[rowCols.length]);
    for (let r = 0; r < rowCols.length; r++) indices.set(rowCols[r], starts[r]);
    const b = Float64Array.from(rhs);
    this.starts = starts;
    this.indices = indices;
    this.rhs = b;
    this.costs = new Float64Array(n);
    this.model = highs.createModel({
      numCols: n,
      numRows: rowCols.length,
      colCost: this.costs,
      colLower: new Float64Array(n),
      colUpper: new Float64Array(n).fill(highs.infinity),
      rowLower: b,
      rowUpper: b,
      matrix: { format: 'csr', numRows: rowCols.length, numCols: n, starts, indices, values: new Float64Array(indices.length).fill(1) },
    });
    this.model.options.set({ output_flag: false, simplex_iteration_limit: 1_000_000, simplex_strategy: 4 });
  }

  /**
   * Optimises costs . x; returns the optimal point and value, 'infeasible', or null when the solver gave up.
   * By interior point: the model's first solve (no basis yet: simplex would start from the
   * slack basis) on a component of at least `thresholds.cold` columns, and a `broad`
   * objective (an aggregated objective over many cells, far from the last optimum) on a
   * component of at least `thresholds.broad`. Otherwise by primal simplex (strategy 4) from the last
   * optimal basis: between the solves of one model only the objective changes, so that basis
   * is still primal feasible and primal simplex goes on from it (the default dual simplex
   * must first win back dual feasibility; a 100,000-incident centre-month: 16.7 s with dual,
   * 9.3 s with primal). Crossover leaves a basis, so the LPs that follow an interior point
   * solve still start warm.
   */
  solve(costs: Float64Array, sense: 'min' | 'max', broad = false): { x: Float64Array; value: number } | 'infeasible' | null {
    const { highs, model } = this;
    const ipm = this.n >= (this.solves === 0 ? this.thresholds.cold : broad ? this.thresholds.broad : Infinity);
    this.solves++;
    const mode = ipm ? `ipm:${broad}` : 'simplex';
    if (mode !== this.mode) {
      model.options.set(
        ipm
          ? { solver: 'ipm', presolve: 'on', ipm_optimality_tolerance: broad ? IPM_BROAD_TOLERANCE : IPM_DEFAULT_TOLERANCE }
          : { solver: 'simplex', presolve: 'off' },
      );
      this.mode = mode;
    }
    model.changeColsCost({ kind: 'range', from: 0, to: this.n - 1 }, costs);
    model.changeObjectiveSense(sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize);
    model.run();
    const status = model.getModelStatus();
    if (status === highs.constants.modelStatus.infeasible) return 'infeasible';
    if (status !== highs.constants.modelStatus.optimal) return null;
    return { x: model.getSolution().colValue, value: model.getObjectiveValue() };
  }

  dispose(): void {
    this.model.dispose();
  }
}

interface Part {
  readonly cell: number;
  /** Global atom indexes of the cell inside this component. */
  readonly atoms: number[];
  /** Lowest and highest value seen over feasible points (inside the true interval). */
  lo: number;
  hi: number;
  exactLo: boolean;
  exactHi: boolean;
  /** Proven outer bounds of the true interval (bound propagation, aggregated maxima). */
  lbBound: number;
  ubBound: number;
}

export async function auditCells(nAtoms: number, cells: readonly AuditCell[], options: AuditOptions = {}): Promise<AuditOutcome> {
  const { hint, exact = false, settled: prior, seeds = [], boundsOnly = false, suspects, stopAfter = Infinity, ipmMinColumns, twin: useTwin = true } = options;
  const ipmThresholds = { cold: ipmMinColumns ?? IPM_COLD_MIN_COLUMNS, broad: ipmMinColumns ?? IPM_MIN_COLUMNS };
  const points: Float64Array[] = [];
  const MAX_POINTS = Math.min(2_000, Math.floor(POINT_BUDGET / Math.max(1, nAtoms)));
  const seedUsed = new Uint8Array(seeds.length);
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
  const inconsistent = (linearPrograms: number): AuditOutcome => ({ consistent: false, intervals, failing: [], minWidth: 0, linearPrograms, points: [], complete: true });
  if (!consistent) return inconsistent(0);

  // 2. constraints over unknown atoms (duplicates merged), components
  const uf = new UnionFind(nAtoms);
  const inConstraint = new Uint8Array(nAtoms);
  const constraints: { cell: number; atoms: number[] }[] = [];
  const seen = new Map<string, number>();
  for (const i of published) {
    if (unknownCount[i] === 0) continue;
    const u: number[] = [];
    const atoms = cells[i].atoms;
    for (let k = 0; k < atoms.length; k++) if (Number.isNaN(known[atoms[k]])) u.push(atoms[k]);
    const key = u.join(',');
    const prev = seen.get(key);
    if (prev !== undefined) {
      if (Math.abs(residual[prev] - residual[i]) > TOL) return inconsistent(0);
      continue;
    }
    seen.set(key, i);
    constraints.push({ cell: i, atoms: u });
    for (const a of u) {
      inConstraint[a] = 1;
      uf.union(u[0], a);
    }
  }

  // cheap proof of failure: bounds of the unknown atoms by propagation over the rows (for a row
  // sum x = r: x_a <= r - sum of the others' lower bounds, x_a >= r - sum of their upper
  // bounds), as LP presolve does; a hidden cell whose outer bound is narrower than its range
  // fails without an LP
  const atomLb = new Float64Array(nAtoms);
  const atomUb = new Float64Array(nAtoms).fill(Infinity);
  for (let pass = 0, changed = true; pass < 20 && changed; pass++) {
    changed = false;
    for (const c of constraints) {
      const r = residual[c.cell];
      let sumL = 0;
      let sumU = 0;
      let infU = 0;
      for (const a of c.atoms) {
        sumL += atomLb[a];
        if (atomUb[a] === Infinity) infU++;
        else sumU += atomUb[a];
      }
      for (const a of c.atoms) {
        const u = r - (sumL - atomLb[a]);
        if (u < atomUb[a] - 1e-9) {
          if (atomUb[a] === Infinity) {
            infU--;
            sumU += u;
          } else sumU += u - atomUb[a];
          atomUb[a] = u;
          changed = true;
        }
        const othersU = atomUb[a] === Infinity ? (infU > 1 ? Infinity : sumU) : infU > 0 ? Infinity : sumU - atomUb[a];
        const l = r - othersU;
        if (l > atomLb[a] + 1e-9) {
          sumL += l - atomLb[a];
          atomLb[a] = l;
          changed = true;
        }
      }
    }
  }
  const compParts = new Map<number, Part[]>();
  const cellParts = new Map<number, { known: number; unbounded: boolean; parts: Part[] }>();
  for (const s of suppressed) {
    if (prior?.has(s)) continue;
    let k0 = 0;
    let unbounded = false;
    const byComp = new Map<number, number[]>();
    const atoms = cells[s].atoms;
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
      if (!Number.isNaN(known[a])) k0 += known[a];
      else if (!inConstraint[a]) unbounded = true; // in no published cell: any count fits
      else {
        const r = uf.find(a);
        const list = byComp.get(r);
        if (list) list.push(a);
        else byComp.set(r, [a]);
      }
    }
    const parts: Part[] = [];
    if (!unbounded) {
      for (const [r, inComp] of byComp) {
        let lb = 0;
        let ub = 0;
        for (const a of inComp) {
          lb += atomLb[a];
          ub += atomUb[a];
        }
        const part: Part = { cell: s, atoms: inComp, lo: Infinity, hi: -Infinity, exactLo: false, exactHi: false, lbBound: lb, ubBound: ub };
        parts.push(part);
        const list = compParts.get(r);
        if (list) list.push(part);
        else compParts.set(r, [part]);
      }
    }
    cellParts.set(s, { known: k0, unbounded, parts });
  }
  /** The proven outer bounds of a cell's interval (what a failing cell reports). */
  const outer = (cp: { known: number; parts: readonly Part[] }): CellInterval => {
    let lo = cp.known;
    let hi = cp.known;
    for (const p of cp.parts) {
      lo += p.lbBound;
      hi += p.ubBound;
    }
    return { lo, hi, exact: false };
  };
  /** Outer bounds outside the cell's sensitive values: nothing to protect there. */
  const exempt = (s: number): boolean => {
    const sensitive = cells[s].sensitive;
    if (!sensitive) return false;
    const o = outer(cellParts.get(s) as { known: number; parts: Part[] });
    return o.hi < sensitive.lo - TOL || o.lo > sensitive.hi + TOL;
  };
  /** Width seen over feasible points reaches the range: the cell is safe. */
  const proven = (s: number): boolean => {
    const cp = cellParts.get(s) as { unbounded: boolean; parts: Part[] };
    if (cp.unbounded) return true;
    let w = 0;
    for (const p of cp.parts) w += Math.max(0, p.hi - p.lo);
    return w >= cells[s].range - TOL || exempt(s);
  };
  /** Outer bounds narrower than the range: the cell fails, whatever its exact ends. */
  const doomed = (s: number): boolean => {
    const cp = cellParts.get(s) as { unbounded: boolean; parts: Part[] };
    if (cp.unbounded) return false;
    let w = 0;
    for (const p of cp.parts) w += p.ubBound - p.lbBound;
    return w < cells[s].range - TOL && !exempt(s);
  };
  const settled = (s: number): boolean => !exact && (proven(s) || doomed(s));
  if (boundsOnly) {
    const failing = suppressed.filter((s) => cellParts.has(s) && doomed(s));
    let minWidth = Infinity;
    for (const s of failing) {
      const iv = outer(cellParts.get(s) as { known: number; parts: Part[] });
      intervals.set(s, iv);
      minWidth = Math.min(minWidth, iv.hi - iv.lo);
    }
    return { consistent: true, intervals, failing, minWidth, linearPrograms: 0, points: [...seeds], complete: false };
  }

  const compConstraints = new Map<number, { cell: number; atoms: number[] }[]>();
  for (const c of constraints) {
    const r = uf.find(c.atoms[0]);
    const list = compConstraints.get(r);
    if (list) list.push(c);
    else compConstraints.set(r, [c]);
  }

  // 3./4. per component: pool of feasible points, aggregated LPs, then group tests and per-cell LPs
  let linearPrograms = 0;
  let highs: Highs | undefined;
  // cells shown failing so far (outer bounds too narrow, or exact at both ends and too narrow), for stopAfter
  const shown = new Set<number>();
  let stopped = false;
  const note = (s: number): void => {
    if (proven(s) || shown.has(s)) return;
    const cp = cellParts.get(s) as { parts: Part[] };
    if (doomed(s) || cp.parts.every((p) => p.exactLo && p.exactHi)) shown.add(s);
    if (shown.size >= stopAfter) stopped = true;
  };
  let seed = 1;
  for (const [root, parts] of compParts) {
    if (stopped) break;
    if (parts.every((p) => settled(p.cell))) continue;
    const rows = compConstraints.get(root) ?? [];
    const local = new Map<number, number>();
    const rowCols: number[][] = [];
    const rhs: number[] = [];
    for (const c of rows) {
      const cols: number[] = [];
      for (const a of c.atoms) {
        let j = local.get(a);
        if (j === undefined) {
          j = local.size;
          local.set(a, j);
        }
        cols.push(j);
      }
      rowCols.push(cols);
      rhs.push(residual[c.cell]);
    }
    const n = local.size;
    const localParts = parts.map((p) => ({ part: p, cols: Int32Array.from(p.atoms, (a) => local.get(a) as number) }));
    const observe = (x: ArrayLike<number>): void => {
      for (const { part, cols } of localParts) {
        let v = 0;
        for (let k = 0; k < cols.length; k++) v += x[cols[k]];
        if (v < part.lo) part.lo = v;
        if (v > part.hi) part.hi = v;
        if (part.lo <= part.lbBound + TOL) part.exactLo = true;
        if (part.hi >= part.ubBound - TOL) part.exactHi = true;
      }
    };

    /** A global point restricted to this component, when it is feasible here (checked, never trusted). */
    const fits = (point: ArrayLike<number>): Float64Array | undefined => {
      const x = new Float64Array(n);
      for (const [a, j] of local) {
        const v = point[a];
        if (!(v >= 0)) return undefined;
        x[j] = v;
      }
      for (let r = 0; r < rowCols.length; r++) {
        let sum = 0;
        for (const j of rowCols[r]) sum += x[j];
        if (Math.abs(sum - rhs[r]) > TOL) return undefined;
      }
      return x;
    };
    // the true table, when it fits this component, and moves from it along the null space
    const truth = hint ? fits(hint) : undefined;
    if (truth) {
      observe(truth);
      if (!parts.every((p) => settled(p.cell))) nullSpaceMoves(n, rowCols, truth, localParts);
    }
    // points of the previous audit that still fit
    for (let i = 0; i < seeds.length && !parts.every((p) => settled(p.cell)); i++) {
      const x = fits(seeds[i]);
      if (!x) continue;
      seedUsed[i] = 1;
      observe(x);
    }
    if (parts.every((p) => settled(p.cell))) continue;

    highs ??= await highsSolver();
    const lp = new ComponentLp(highs, rowCols, rhs, n, ipmThresholds);
    let twin: { lp: LpTwin; model: number } | undefined;
    try {
      const costs = new Float64Array(n);
      /** A solver's point is a witness only once checked against the rows, as hints and seeds are (checked, never trusted). */
      const feasible = (x: Float64Array): boolean => {
        for (let j = 0; j < n; j++) if (!(x[j] >= -TOL)) return false;
        for (let r = 0; r < rowCols.length; r++) {
          let sum = 0;
          for (const j of rowCols[r]) sum += x[j];
          if (Math.abs(sum - rhs[r]) > TOL * Math.max(1, Math.abs(rhs[r]))) return false;
        }
        return true;
      };
      const take = (r: { x: Float64Array; value: number } | null | 'infeasible'): { x: Float64Array; value: number } | null | 'infeasible' => {
        linearPrograms++;
        if (r !== 'infeasible' && r && feasible(r.x)) {
          observe(r.x);
          if (points.length < MAX_POINTS) {
            const g = new Float64Array(nAtoms).fill(NaN);
            for (const [a, j] of local) g[a] = r.x[j];
            points.push(g);
          }
        }
        return r;
      };
      const solve = (sense: 'min' | 'max', broad = false): { x: Float64Array; value: number } | null | 'infeasible' => take(lp.solve(costs, sense, broad));
      /**
       * An aggregated round's maximum on the twin (lp-twin.ts) and its minimum here at once, where
       * both are interior point solves (which carry no state from one solve to the next), taken in
       * the order max, min; this model then ends the round with the minimum's basis, as one solve
       * after the other would leave it. Without a twin, one after the other.
       */
      const maxAndMin = async (broad: boolean): Promise<boolean> => {
        const shared = useTwin && broad && n >= ipmThresholds.broad ? LpTwin.shared() : null;
        if (!shared) return solve('max', broad) !== 'infeasible' && solve('min', broad) !== 'infeasible';
        twin ??= { lp: shared, model: shared.open(lp.starts, lp.indices, lp.rhs, n) };
        const max = twin.lp.solve(twin.model, costs, 'max', IPM_BROAD_TOLERANCE).catch((): null => null);
        const min = lp.solve(costs, 'min', broad);
        const m = await max;
        // the twin failed: both here, in the order of an audit without it (max, then min again, so this
        // model ends the round with the minimum's basis; the first minimum is not counted)
        if (!m) return solve('max', broad) !== 'infeasible' && solve('min', broad) !== 'infeasible';
        if (take(fromTwin(m)) === 'infeasible') return false;
        return take(min) !== 'infeasible';
      };
      // aggregated objectives: one LP moves many unproven cells at once
      for (let round = 0; round < 8 && !exact; round++) {
        const open = localParts.filter(({ part }) => !settled(part.cell));
        if (open.length <= 2) break;
        const w = weights(seed++);
        costs.fill(0);
        for (const { cols } of open) {
          const wp = w();
          for (let k = 0; k < cols.length; k++) costs[cols[k]] += wp;
        }
        const broad = open.length >= IPM_MIN_OBJECTIVE_CELLS;
        if (!(await maxAndMin(broad))) return inconsistent(linearPrograms);
        const still = open.filter(({ part }) => !settled(part.cell)).length;
        if (still > 0.7 * open.length) break; // diminishing returns
      }
      // group tests: the maximum of the sum over a group of parts bounds each part's maximum
      // (counts are >= 0), so one LP can show a whole cluster of cells too narrow; halve
      // groups that are not settled, down to single parts, which get their exact ends
      // Parts start in groups of one kind: the same range, and whether an earlier audit found
      // the cell failing (`suspects`; ordering only): a group whose parts all fail is shown
      // so by one LP, a mixed one is halved down to single parts.
      const kinds = new Map<string, typeof localParts>();
      for (const lp of localParts) {
        if (settled(lp.part.cell)) continue;
        const kind = `${suspects?.has(lp.part.cell) ? 1 : 0}:${cells[lp.part.cell].range}`;
        const list = kinds.get(kind);
        if (list) list.push(lp);
        else kinds.set(kind, [lp]);
      }
      // Within a kind, parts by the highest value seen, so that halving keeps small cells together.
      const stack = [...kinds.values()].map((list) => list.sort((a, b) => a.part.hi - b.part.hi));
      while (stack.length > 0 && !stopped) {
        const group = (stack.pop() as typeof localParts).filter(({ part }) => !settled(part.cell));
        if (group.length === 0) continue;
        if (group.length > 1 && exact) {
          for (const g of group) stack.push([g]);
          continue;
        }
        if (group.length > 1) {
          // The group's maximum is at least the highest value any part reached at a feasible
          // point; when even that leaves every part wide enough, its LP cannot show one too
          // narrow: halve without it (single parts always get their own LPs, so no verdict changes).
          let floor = 0;
          for (const { part } of group) floor = Math.max(floor, part.hi);
          if (!group.some(({ part }) => Math.min(part.ubBound, floor) - part.lbBound < cells[part.cell].range - TOL)) {
            const half = group.length >> 1;
            stack.push(group.slice(half), group.slice(0, half));
            continue;
          }
        }
        costs.fill(0);
        for (const { cols } of group) for (let k = 0; k < cols.length; k++) costs[cols[k]] = 1;
        const r = solve('max');
        if (r === 'infeasible') return inconsistent(linearPrograms);
        if (r) {
          for (const { part } of group) part.ubBound = Math.min(part.ubBound, r.value + TOL);
          if (group.length === 1) {
            group[0].part.hi = Math.max(group[0].part.hi, r.value);
            group[0].part.exactHi = true;
          }
          for (const { part } of group) note(part.cell);
        } else if (group.length === 1) continue; // solver gave up: the cell stays unproven, hence failing
        if (group.length > 1) {
          const half = group.length >> 1;
          stack.push(group.slice(half), group.slice(0, half));
          continue;
        }
        const { part, cols } = group[0];
        if (settled(part.cell) || part.exactLo) {
          note(part.cell);
          continue;
        }
        costs.fill(0);
        for (let k = 0; k < cols.length; k++) costs[cols[k]] = 1;
        const m = solve('min');
        if (m === 'infeasible') return inconsistent(linearPrograms);
        if (m) {
          part.lo = Math.min(part.lo, m.value);
          part.lbBound = Math.max(part.lbBound, m.value - TOL);
          part.exactLo = true;
          note(part.cell);
        }
      }
    } finally {
      lp.dispose();
      if (twin) twin.lp.close(twin.model);
    }
  }

  const failing: number[] = [];
  let minWidth = Infinity;
  for (const s of suppressed) {
    const cp = cellParts.get(s);
    const before = prior?.get(s);
    if (before) {
      intervals.set(s, before);
      minWidth = Math.min(minWidth, before.hi - before.lo);
      continue;
    }
    if (!cp) continue;
    if (cp.unbounded) {
      intervals.set(s, { lo: cp.known, hi: Infinity, exact: false });
      continue;
    }
    let lo = cp.known;
    let hi = cp.known;
    let isExact = true;
    for (const p of cp.parts) {
      lo += p.lo;
      hi += p.hi;
      isExact = isExact && p.exactLo && p.exactHi;
    }
    if (!proven(s) && !isExact) {
      // failing on outer bounds (or a solver that gave up): report the outer interval
      ({ lo, hi } = outer(cp));
    }
    intervals.set(s, { lo, hi, exact: isExact });
    const width = hi - lo;
    if (width < minWidth) minWidth = width;
    // a stopped audit lists only what it showed failing; the cells it did not reach are neither
    if (!proven(s) && (!stopped || shown.has(s) || doomed(s))) failing.push(s);
  }
  seeds.forEach((p, i) => {
    if (seedUsed[i] && points.length < MAX_POINTS) points.push(p);
  });
  return { consistent: true, intervals, failing, minWidth, linearPrograms, points, complete: !stopped };
}

function fromTwin(r: TwinSolution): { x: Float64Array; value: number } | null | 'infeasible' {
  if (r.status === 'infeasible') return 'infeasible';
  return r.status === 'optimal' && r.x && r.value !== undefined ? { x: r.x, value: r.value } : null;
}

/**
 * The null-space moves give up when eliminating the rows merges more than this many entries
 * per entry of the rows (a count, not a clock: the same audit on any machine). A centre-month's
 * components take 3 to 17 and the moves prove about a tenth of their hidden cells; the final
 * audit of a 10,000-cell table took 2,400 (2.3 s) to prove 35 of 3,478, which its first
 * aggregated LP proves anyway.
 */
const NULL_SPACE_WORK_PER_ENTRY = 50;

/**
 * Feasible points next to x (which satisfies the rows, x >= 0): for each vector z of a
 * sparse basis of the rows' null space, x + t z stays on the rows, and stays >= 0 for t in
 * [tLo, tHi]; both ends are feasible tables. Updates the parts' [lo, hi] seen.
 */
function nullSpaceMoves(
  n: number,
  rowCols: readonly (readonly number[])[],
  x: Float64Array,
  localParts: readonly { part: Part; cols: Int32Array }[],
): void {
  const g = new RealNullSpace(n);
  let nnz = 0;
  for (const cols of rowCols) nnz += cols.length;
  for (const cols of rowCols) {
    g.publish(cols);
    if (g.work > NULL_SPACE_WORK_PER_ENTRY * nnz) return;
  }
  // local column -> rows holding it, to check each direction against the rows
  const colRows = new Map<number, number[]>();
  rowCols.forEach((cols, r) => {
    for (const j of cols) {
      const list = colRows.get(j);
      if (list) list.push(r);
      else colRows.set(j, [r]);
    }
  });
  // local column -> parts containing it
  const byCol = new Map<number, number[]>();
  localParts.forEach(({ cols }, p) => {
    for (let k = 0; k < cols.length; k++) {
      const list = byCol.get(cols[k]);
      if (list) list.push(p);
      else byCol.set(cols[k], [p]);
    }
  });
  const base = localParts.map(({ cols }) => {
    let v = 0;
    for (let k = 0; k < cols.length; k++) v += x[cols[k]];
    return v;
  });
  for (const z of g.basis()) {
    // a direction the rows do not annul (floating-point drift) proves nothing: skip it
    const rowSum = new Map<number, number>();
    let scale = 0;
    for (let k = 0; k < z.n; k++) {
      const d = z.val[k];
      scale = Math.max(scale, Math.abs(d));
      for (const r of colRows.get(z.idx[k]) ?? []) rowSum.set(r, (rowSum.get(r) ?? 0) + d);
    }
    let annulled = true;
    for (const v of rowSum.values()) if (Math.abs(v) > 1e-9 * scale) annulled = false;
    if (!annulled) continue;
    let tHi = Infinity;
    let tLo = -Infinity;
    const dot = new Map<number, number>();
    for (let k = 0; k < z.n; k++) {
      const j = z.idx[k];
      const d = z.val[k];
      if (d < 0) tHi = Math.min(tHi, x[j] / -d);
      else tLo = Math.max(tLo, -x[j] / d);
      for (const p of byCol.get(j) ?? []) dot.set(p, (dot.get(p) ?? 0) + d);
    }
    if (!Number.isFinite(tHi) || !Number.isFinite(tLo)) continue; // cannot happen for rows of 1s with finite rhs
    for (const [p, d] of dot) {
      if (Math.abs(d) < 1e-9) continue;
      const { part } = localParts[p];
      for (const e of [base[p] + tHi * d, base[p] + tLo * d]) {
        if (e < part.lo) part.lo = e;
        if (e > part.hi) part.hi = e;
      }
    }
  }
}
