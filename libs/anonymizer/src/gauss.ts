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
 * per protected cell of several atoms (for a cell of one atom b it is column b of Z), so
 * the test "would b expose x" touches only the protected cells with a non-zero at the
 * pivot.
 *
 * Arithmetic: exact, in the prime field GF(P), P = 67,108,859 (< 2^26, so a product of
 * two residues is exact in a double). Floating point is not an option here: on an 8^4
 * table the basis entries of a float elimination drift from 1e-9 to 1e12 and decisions
 * flip; exact rationals grow past 2^53 (fraction-free integers reached 1e16). Linear
 * dependence over the rationals implies dependence mod P; the converse fails only when P
 * divides a minor of these 0/1 systems, which for a prime this size is a
 * once-in-tens-of-millions event, and even then the LP audit (real arithmetic,
 * independent of this code) still finds any cell pinned exactly and repairs it.
 *
 * Data structures (this loop is the hot path of the whole library): basis vectors and
 * the protected cells' rows are sorted sparse vectors in typed arrays, combined by a
 * linear merge; the incidence lists (atom -> basis vectors holding it, basis vector ->
 * protected rows holding it) are append-only and pruned lazily when read, so a value
 * update costs a few nanoseconds instead of several hash-map operations. Decisions do not
 * depend on the basis or the pivot order (only on the span of what is published), so
 * these choices change speed, never the pattern.
 */
export type GaussDecision = 'published' | 'dependent' | 'suppressed';

/** The field's prime (largest prime below 2^26). */
const P = 67_108_859;

const INV_P = 1 / P;

/**
 * a * b mod P for residues a, b: the product is exact in a double (< 2^52), the quotient
 * from a multiplication by 1/P is off by at most one, and q * P is exact too, so one
 * correction gives the exact remainder without the floating-point `%` (a library call).
 */
export function mulmod(a: number, b: number): number {
  const p = a * b;
  const r = p - Math.floor(p * INV_P) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/** Inverse mod P (extended Euclid); a in 1..P-1. */
function invmod(a: number): number {
  let [r0, r1] = [P, a];
  let [t0, t1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % P) + P) % P;
}

/** Sorted sparse vector: idx[0..n) ascending, val the matching non-zero values (here residues mod P). */
export interface Vec {
  idx: Int32Array;
  val: Float64Array;
  n: number;
}

function unit(i: number): Vec {
  return { idx: Int32Array.of(i), val: Float64Array.of(1), n: 1 };
}

/** Position of key in v.idx, or -1. */
export function find(v: Vec, key: number): number {
  let lo = 0;
  let hi = v.n - 1;
  const idx = v.idx;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = idx[mid];
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Merge buffers shared by every axpy (this module is single-threaded JavaScript). */
let scratchIdx = new Int32Array(1024);
let scratchVal = new Float64Array(1024);

/**
 * x - alpha * y (mod P), written back into x's arrays when they have room (else into new
 * ones with room to grow): the elimination updates a vector many times, and allocating a
 * fresh pair of arrays per update cost more in garbage collection than the arithmetic.
 * Every index y brings into x's support gets `owner` appended to `lists[index]` (the
 * incidence lists), and `counts[index]` (when given) follows how many vectors hold each
 * index. The hot loop of the library: no closure call per entry, the merge runs
 * while both vectors have entries and the tails are copied (about 4% faster than one loop
 * with sentinels and a callback).
 */
function axpy(x: Vec, alpha: number, y: Vec, lists: number[][], owner: number, counts: Int32Array | null): Vec {
  const xn = x.n;
  const yn = y.n;
  const cap = xn + yn;
  if (scratchIdx.length < cap) {
    scratchIdx = new Int32Array(cap * 2);
    scratchVal = new Float64Array(cap * 2);
  }
  const idx = scratchIdx;
  const val = scratchVal;
  const xIdx = x.idx;
  const xv = x.val;
  const yIdx = y.idx;
  const yv = y.val;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < xn && j < yn) {
    const xi = xIdx[i];
    const yj = yIdx[j];
    if (xi < yj) {
      idx[n] = xi;
      val[n++] = xv[i++];
    } else {
      const m = mulmod(alpha, yv[j++]);
      if (yj < xi) {
        idx[n] = yj;
        val[n++] = P - m;
        lists[yj].push(owner);
        if (counts) counts[yj]++;
      } else {
        const d = xv[i++] - m;
        if (d !== 0) {
          idx[n] = xi;
          val[n++] = d < 0 ? d + P : d;
        } else if (counts) counts[xi]--;
      }
    }
  }
  for (; i < xn; i++) {
    idx[n] = xIdx[i];
    val[n++] = xv[i];
  }
  for (; j < yn; j++) {
    const yj = yIdx[j];
    idx[n] = yj;
    val[n++] = P - mulmod(alpha, yv[j]);
    lists[yj].push(owner);
    if (counts) counts[yj]++;
  }
  if (x.idx.length >= n) {
    x.idx.set(idx.subarray(0, n));
    x.val.set(val.subarray(0, n));
    x.n = n;
    return x;
  }
  const room = n + (n >> 1);
  const out: Vec = { idx: new Int32Array(room), val: new Float64Array(room), n };
  out.idx.set(idx.subarray(0, n));
  out.val.set(val.subarray(0, n));
  return out;
}

/** row = (wp / dp) * dots entry for entry (same support), where wp, dp are their entries at the pivot. */
function proportional(row: Vec, dots: Vec, pivot: number, dp: number): boolean {
  if (row.n !== dots.n) return false;
  const wp = row.val[find(row, pivot)];
  for (let k = 0; k < dots.n; k++) {
    if (row.idx[k] !== dots.idx[k] || mulmod(row.val[k], dp) !== mulmod(dots.val[k], wp)) return false;
  }
  return true;
}

/**
 * A basis of sparse vectors over atoms, starting as the unit vectors, with the index both
 * eliminations keep (GaussSuppressor here, in residues mod P; RealNullSpace for the audit,
 * in floating point): atom -> vectors that may hold it, append-only and pruned when read,
 * so a value update costs a few nanoseconds instead of several hash-map operations.
 */
export class SparseBasis {
  /** Basis vectors over atoms (null once eliminated). */
  protected readonly z: (Vec | null)[];
  /** atom -> basis vectors that may hold it (lazy: checked when read). */
  protected readonly atomZ: number[][];
  /** After `sums`: each vector's sum over the atoms asked. */
  protected readonly acc: Float64Array;
  private readonly mark: Int32Array;
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(nAtoms: number) {
    this.z = new Array<Vec | null>(nAtoms);
    this.atomZ = new Array<number[]>(nAtoms);
    for (let a = 0; a < nAtoms; a++) {
      this.z[a] = unit(a);
      this.atomZ[a] = [a];
    }
    this.acc = new Float64Array(nAtoms);
    this.mark = new Int32Array(nAtoms);
    this.seen = new Int32Array(nAtoms);
  }

  /**
   * The live vectors holding any of `atoms`, in the order met, with `acc[zi]` the plain sum of
   * their entries at those atoms (exact for residues mod P too: below 2^26 each, a sum of fewer
   * than 2^27 of them is an integer a double holds exactly).
   */
  protected sums(atoms: ArrayLike<number>): number[] {
    const call = ++this.stamp;
    const touched: number[] = [];
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k];
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
    return touched;
  }
}

export class GaussSuppressor extends SparseBasis {
  /** Protected cell id -> its row W[x][z] = x . z over basis vectors. */
  private readonly w = new Map<number, Vec>();
  /** basis vector -> protected cells whose row may hold it (lazy). */
  private readonly zP: number[][];
  /**
   * Protected cells of one atom (inner cells, most of the protected cells) keep no row: the
   * row of e_b is column b of the basis, which the elimination updates anyway (keeping a copy
   * and updating it too took more than half of a 10,000-cell table's first pass: 7.3 to
   * 8.0 s with the copies, 3.4 s without). Flagged per atom, with the number of live basis
   * vectors that hold each atom, which rules out most of them in an exposure test alone.
   */
  private readonly protectedAtom: Uint8Array;
  private readonly colCount: Int32Array;

  constructor(nAtoms: number) {
    super(nAtoms);
    this.zP = Array.from({ length: nAtoms }, () => []);
    this.protectedAtom = new Uint8Array(nAtoms);
    this.colCount = new Int32Array(nAtoms).fill(1);
  }

  /** Registers a cell that must not become a linear combination of published cells. */
  protect(id: number, atoms: ArrayLike<number>): void {
    if (atoms.length === 1) this.protectedAtom[atoms[0]] = 1;
    else this.addProtected(id, this.dots(atoms));
  }

  /** Publishes a cell whatever it exposes (cells already released). */
  force(atoms: ArrayLike<number>): GaussDecision {
    const dots = this.dots(atoms);
    if (dots.n === 0) return 'dependent';
    this.apply(dots, this.choosePivot(dots));
    return 'published';
  }

  /** True when the cell is a linear combination of the cells published so far. */
  isDetermined(atoms: ArrayLike<number>): boolean {
    return this.dots(atoms).n === 0;
  }

  /** Publishes the candidate unless that exposes a protected cell; then protects it instead. */
  offer(id: number, atoms: ArrayLike<number>): GaussDecision {
    const dots = this.dots(atoms);
    if (dots.n === 0) return 'dependent';
    const pivot = this.choosePivot(dots);
    if (this.wouldExpose(dots, pivot)) {
      if (atoms.length === 1) this.protectedAtom[atoms[0]] = 1;
      else this.addProtected(id, dots);
      return 'suppressed';
    }
    this.apply(dots, pivot);
    return 'published';
  }

  /** b . z for every basis vector z, as a sparse vector over basis indexes. */
  private dots(atoms: ArrayLike<number>): Vec {
    const touched = this.sums(atoms);
    touched.sort((x, y) => x - y);
    const idx = new Int32Array(touched.length);
    const val = new Float64Array(touched.length);
    let n = 0;
    for (const zi of touched) {
      const v = this.acc[zi] % P;
      if (v === 0) continue;
      idx[n] = zi;
      val[n++] = v;
    }
    return { idx, val, n };
  }

  /** Sparsest basis vector, then the one fewest protected cells touch (less fill-in). */
  private choosePivot(dots: Vec): number {
    let best = -1;
    let bestSize = Infinity;
    let bestP = Infinity;
    for (let k = 0; k < dots.n; k++) {
      const zi = dots.idx[k];
      const size = (this.z[zi] as Vec).n;
      const p = this.zP[zi].length;
      if (size < bestSize || (size === bestSize && p < bestP)) {
        best = zi;
        bestSize = size;
        bestP = p;
      }
    }
    return best;
  }

  /** The protected rows that hold basis vector zi (pruning stale and repeated entries). */
  private rowsAt(zi: number): number[] {
    const list = this.zP[zi];
    const done = new Set<number>();
    let keep = 0;
    for (let q = 0; q < list.length; q++) {
      const p = list[q];
      if (done.has(p)) continue;
      const row = this.w.get(p) as Vec;
      if (find(row, zi) < 0) continue;
      done.add(p);
      list[keep++] = p;
    }
    list.length = keep;
    return list;
  }

  /** Publishing b exposes x when x's row is proportional to b's dots (then x is in the new span). */
  private wouldExpose(dots: Vec, pivot: number): boolean {
    const dp = dots.val[find(dots, pivot)];
    for (const p of this.rowsAt(pivot)) {
      if (proportional(this.w.get(p) as Vec, dots, pivot, dp)) return true;
    }
    // protected atoms b whose row (column b of the basis) holds the pivot, i.e. z*[b] != 0: as
    // many live vectors hold b as b's dots has entries, and each of those holds b in proportion
    const zs = this.z[pivot] as Vec;
    for (let k = 0; k < zs.n; k++) {
      const b = zs.idx[k];
      if (this.protectedAtom[b] !== 1 || this.colCount[b] !== dots.n) continue;
      const wp = zs.val[k];
      let exposed = true;
      for (let q = 0; q < dots.n && exposed; q++) {
        const v = this.z[dots.idx[q]] as Vec;
        const pos = find(v, b);
        exposed = pos >= 0 && mulmod(v.val[pos], dp) === mulmod(dots.val[q], wp);
      }
      if (exposed) return true;
    }
    return false;
  }

  private addProtected(id: number, dots: Vec): void {
    this.w.set(id, dots);
    for (let k = 0; k < dots.n; k++) this.zP[dots.idx[k]].push(id);
  }

  /** Publishing b with pivot z*: every other z with d = b.z != 0 becomes z - (d / dp) z*. */
  private apply(dots: Vec, pivot: number): void {
    const inv = invmod(dots.val[find(dots, pivot)]);
    const zs = this.z[pivot] as Vec;
    for (let k = 0; k < dots.n; k++) {
      const zi = dots.idx[k];
      if (zi === pivot) continue;
      this.z[zi] = axpy(this.z[zi] as Vec, mulmod(dots.val[k], inv), zs, this.atomZ, zi, this.colCount);
    }
    for (let k = 0; k < zs.n; k++) this.colCount[zs.idx[k]]--;
    for (const p of [...this.rowsAt(pivot)]) {
      const row = this.w.get(p) as Vec;
      // the pivot's own entry cancels exactly: ws - (ws / dp) * dp
      this.w.set(p, axpy(row, mulmod(row.val[find(row, pivot)], inv), dots, this.zP, p, null));
    }
    this.zP[pivot] = [];
    this.z[pivot] = null;
  }
}
