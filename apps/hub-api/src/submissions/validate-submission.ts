import {
  CONF_STATUS,
  DatasetDecl,
  OBS_STATUS,
  parsePeriod,
  PeriodError,
  periodStart,
  protectionRangeOf,
  SignedSubmission,
  StandardIndex,
  SubmissionPayload,
  TOTAL_CODE,
} from '@paivand/schema';
import { ConflictList } from './import-summary';
import { indicator, SpanBasis } from '../statistics/span-basis';

/** Most cells one submission may hold. */
export const MAX_CELLS = 100_000;

/** Largest revision and count the hub stores (Postgres `integer`). */
export const MAX_INT = 2_147_483_647;

/** preparedAt as a node writes it (`Date.toISOString()`), or any ISO 8601 time with an offset. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 time that names a real instant: JavaScript's Date.parse takes 2025-02-30 (as
 * 2 March) and hours up to 24, which Postgres refuses when the submission is stored (an internal
 * error after a dry run had said SUCCESS). Every field is checked against its calendar range.
 */
function isIsoTime(v: string): boolean {
  const m = ISO_TIME.exec(v);
  if (!m || Number.isNaN(Date.parse(v))) return false;
  const [y, mo, d, h, mi, sec] = [v.slice(0, 4), v.slice(5, 7), v.slice(8, 10), v.slice(11, 13), v.slice(14, 16), v.length > 16 && v[16] === ':' ? v.slice(17, 19) : '00'].map(Number);
  const lastDay = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(v);
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= lastDay && h <= 23 && mi <= 59 && sec <= 59 && (!offset || (Number(offset[2]) <= 14 && Number(offset[3]) <= 59));
}

const OBS = new Set<string>(OBS_STATUS);
const CONF = new Set<string>(CONF_STATUS);
const CELL_KEYS = 'confStatus,key,obsStatus,value';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Structural check of a signed submission as received (JSON): every field of the wire
 * type with the right JSON type. Returns a message naming the first bad field, or null.
 */
/** The keys a submission holds, and no others: a key the hub does not store would be signed and accepted, but the stored row could not give back the signed bytes (and free text could ride along). */
const SUBMISSION_KEYS = new Set(['payload', 'signature', 'keyId']);
const PAYLOAD_KEYS = new Set(['memberId', 'datasetId', 'schemaVersion', 'period', 'revision', 'dimensions', 'protection', 'cells', 'contentHash', 'preparedAt']);
const PROTECTION_KEYS = new Set(['method', 'k', 'protectionRange', 'epsilon']);

/** Control characters (NUL among them, which Postgres refuses in text: an internal error after the checks). */
const CONTROL = { test: (v: string): boolean => [...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) };

function unknownKey(o: Record<string, unknown>, allowed: ReadonlySet<string>): string | undefined {
  return Object.keys(o).find((k) => !allowed.has(k));
}

export function shapeError(input: unknown): string | null {
  if (!isObject(input)) return 'submission must be an object';
  if (unknownKey(input, SUBMISSION_KEYS) !== undefined) return 'submission holds a key other than payload, signature and keyId';
  if (isObject(input.payload) && unknownKey(input.payload, PAYLOAD_KEYS) !== undefined) return 'payload holds a key the standard wire format does not have';
  if (isObject(input.payload) && isObject(input.payload.protection) && unknownKey(input.payload.protection, PROTECTION_KEYS) !== undefined) {
    return 'payload.protection holds a key other than method, k, protectionRange and epsilon';
  }
  if (typeof input.signature !== 'string' || input.signature.length > 200) return 'signature must be a base64 string';
  if (typeof input.keyId !== 'string' || input.keyId.length > 100 || CONTROL.test(input.keyId)) return 'keyId must be a string without control characters';
  const p = input.payload;
  if (!isObject(p)) return 'payload must be an object';
  for (const f of ['memberId', 'datasetId', 'schemaVersion', 'period', 'contentHash', 'preparedAt'] as const) {
    if (typeof p[f] !== 'string' || p[f].length > 200 || CONTROL.test(p[f])) return `payload.${f} must be a string without control characters`;
  }
  if (typeof p.revision !== 'number' || !Number.isInteger(p.revision) || p.revision < 1 || p.revision > MAX_INT) {
    return `payload.revision must be an integer from 1 to ${MAX_INT}`;
  }
  if (!Array.isArray(p.dimensions) || p.dimensions.length > 16 || !p.dimensions.every((d) => typeof d === 'string')) {
    return 'payload.dimensions must be a list of strings';
  }
  const prot = p.protection;
  // (JSON reads 1e999 as Infinity: a number, but no count, threshold or budget)
  if (!isObject(prot) || typeof prot.method !== 'string' || !Number.isInteger(prot.k) || (prot.k as number) < 1 || !Number.isFinite(prot.protectionRange)) {
    return 'payload.protection must hold method, k (an integer, at least 1) and protectionRange (a finite number)';
  }
  if (prot.epsilon !== undefined && !Number.isFinite(prot.epsilon)) return 'payload.protection.epsilon must be a finite number';
  if (!Array.isArray(p.cells)) return 'payload.cells must be a list';
  if (p.cells.length > MAX_CELLS) return `payload.cells holds more than ${MAX_CELLS} cells`;
  if (!isIsoTime(p.preparedAt as string)) {
    return 'payload.preparedAt must be an ISO 8601 time with a time zone, e.g. 2026-02-01T08:00:00Z';
  }
  for (let i = 0; i < p.cells.length; i++) {
    const c: unknown = p.cells[i];
    if (!isObject(c) || Object.keys(c).sort().join(',') !== CELL_KEYS) return `payload.cells.${i} must hold exactly key, value, obsStatus, confStatus`;
    if (!Array.isArray(c.key) || !c.key.every((k) => typeof k === 'string')) return `payload.cells.${i}.key must be a list of codes`;
    if (c.value !== null && !Number.isFinite(c.value)) return `payload.cells.${i}.value must be a finite number or null`;
    if (typeof c.obsStatus !== 'string' || typeof c.confStatus !== 'string') return `payload.cells.${i} statuses must be strings`;
  }
  return null;
}

/**
 * The release's declared protection against the stricter of its own version of the standard and the
 * current one (`current`, when the release was prepared on another): k and protection range at least,
 * epsilon at most. Each refusal names the floor that binds (and "since standard X" when it is the
 * current version's), so the node knows what to prepare again.
 */
export function checkProtection(p: SubmissionPayload, dataset: DatasetDecl, out: ConflictList, current?: { dataset: DatasetDecl; version: string }): void {
  const floor = (own: number, now: number | undefined, higher: boolean): { value: number; from: string } =>
    now !== undefined && (higher ? now > own : now < own) ? { value: now, from: ` since standard ${current?.version ?? ''}` } : { value: own, from: '' };
  const k = floor(dataset.protection.k, current?.dataset.protection.k, true);
  if (p.protection.k < k.value) out.add('K_TOO_LOW', 'protection', `k must be at least ${k.value}${k.from}`);
  const range = floor(protectionRangeOf(dataset.protection), current ? protectionRangeOf(current.dataset.protection) : undefined, true);
  if (p.protection.protectionRange < range.value) out.add('PROTECTION_RANGE_TOO_LOW', 'protection', `protectionRange must be at least ${range.value}${range.from}`);
  const dp = dataset.protection.differentialPrivacy;
  if (dataset.protection.method !== 'differential_privacy' || !dp) return;
  const epsilon = p.protection.epsilon;
  const ceiling = floor(dp.epsilonPerRelease, current?.dataset.protection.differentialPrivacy?.epsilonPerRelease, false);
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
    out.add('PAYLOAD_INVALID', 'protection', `${dataset.id} is protected by differential privacy: epsilon must be the positive privacy loss of the release`);
  } else if (epsilon > ceiling.value) {
    out.add('EPSILON_TOO_HIGH', 'protection', `epsilon must be at most ${ceiling.value}${ceiling.from}`);
  }
}

/** Mixed-radix layout of the full table: per dimension its codes, then `_T` at index n. */
interface Layout {
  codeIndex: Map<string, number>[];
  sizes: number[];
  strides: number[];
  total: number;
}

function layoutOf(std: StandardIndex, dataset: DatasetDecl): Layout {
  const codeIndex = dataset.dimensions.map((d) => {
    const m = new Map(std.codes(d.codelist).map((c, i) => [c, i] as [string, number]));
    m.set(TOTAL_CODE, m.size);
    return m;
  });
  const sizes = codeIndex.map((m) => m.size);
  const strides: number[] = [];
  let total = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    strides[d] = total;
    total *= sizes[d];
  }
  return { codeIndex, sizes, strides, total };
}

/**
 * Checks every cell of a payload against its dataset: dimensions, codes, counts,
 * statuses, period, duplicates, completeness of the inner table, margins and protection.
 */
export function validateCells(
  s: SignedSubmission,
  std: StandardIndex,
  dataset: DatasetDecl,
  now: Date,
  out: ConflictList,
  o: { zerosProtected: boolean; current?: { dataset: DatasetDecl; version: string } } = { zerosProtected: !dataset.protection.structuralZeros },
): void {
  const p = s.payload;
  const dims = dataset.dimensions.map((d) => d.id);
  if (p.dimensions.length !== dims.length || p.dimensions.some((d, i) => d !== dims[i])) {
    out.add('DIMENSIONS_MISMATCH', 'payload', `dimensions must be [${dims.join(', ')}] in this order`);
    return;
  }
  try {
    const period = parsePeriod(p.period);
    if (period.type !== dataset.periodType) out.add('PERIOD_TYPE_MISMATCH', 'payload', `${dataset.id} is reported by ${dataset.periodType}`);
    else if (periodStart(period) > now) out.add('PERIOD_IN_FUTURE', 'payload', `period ${p.period} has not begun`);
  } catch (e) {
    if (!(e instanceof PeriodError)) throw e;
    out.add('PERIOD_INVALID', 'payload', e.message);
  }
  if (p.protection.method !== dataset.protection.method) {
    out.add('PAYLOAD_INVALID', 'protection', `${dataset.id} is protected by ${dataset.protection.method}`);
  }
  checkProtection(p, dataset, out, o.current);
  const suppression = dataset.protection.method === 'suppression';
  const k = Math.max(dataset.protection.k, p.protection.k);

  const L = layoutOf(std, dataset);
  const nd = dims.length;
  const seen = new Int32Array(L.total).fill(-1);
  const values = new Float64Array(L.total);
  const published = new Uint8Array(L.total);
  for (let i = 0; i < p.cells.length; i++) {
    const c = p.cells[i];
    if (c.key.length !== nd) {
      out.add('DIMENSIONS_MISMATCH', 'cell', `a key holds one code per dimension (${nd})`, i);
      continue;
    }
    let idx = 0;
    let known = true;
    for (let d = 0; d < nd; d++) {
      const ci = L.codeIndex[d].get(c.key[d]);
      if (ci === undefined) {
        known = false;
        out.add('CODE_UNKNOWN', 'cell', `a code is not in codelist ${dataset.dimensions[d].codelist} of ${std.version}`, i);
        break;
      }
      idx += ci * L.strides[d];
    }
    if (!OBS.has(c.obsStatus) || !CONF.has(c.confStatus)) out.add('STATUS_INVALID', 'cell', 'obsStatus or confStatus is not an SDMX code', i);
    else if ((c.value === null) !== (c.confStatus !== 'F') || (c.value === null) !== (c.obsStatus === 'Q')) {
      out.add('STATUS_INVALID', 'cell', 'a suppressed cell has value null, OBS_STATUS Q and a CONF_STATUS other than F; a free cell has a value, another OBS_STATUS and F', i);
    } else if (c.confStatus === 'S') {
      out.add('STATUS_INVALID', 'cell', 'CONF_STATUS S is the hub\'s own secondary suppression; a sender withholds a cell as C', i);
    }
    if (c.value !== null && (!Number.isInteger(c.value) || c.value < 0 || c.value > MAX_INT)) {
      out.add('COUNT_INVALID', 'cell', `counts are integers from 0 to ${MAX_INT}`, i);
    }
    else if (suppression && c.value !== null && c.value >= 1 && c.value < k) {
      out.add('SMALL_CELL_UNFLAGGED', 'cell', `a count from 1 to ${k - 1} must be suppressed`, i);
    }
    if (!known) continue;
    if (seen[idx] >= 0) {
      out.add('CELL_DUPLICATE', 'cell', 'the same key appears twice', i);
      continue;
    }
    seen[idx] = i;
    if (c.value !== null && Number.isInteger(c.value) && c.value >= 0 && c.value <= MAX_INT) {
      values[idx] = c.value;
      published[idx] = 1;
    }
  }
  if (suppression && o.zerosProtected) checkNoPublishedZero(L, seen, values, published, k, out);
  checkCompleteAndMargins(L, seen, values, published, out);
  // the widest range asked: of the release's version, of the current one (a release prepared on an older version
  // is held to what the Association asks now, as its k is), and the one it declares
  const range = Math.max(protectionRangeOf(dataset.protection), o.current ? protectionRangeOf(o.current.dataset.protection) : 0, p.protection.protectionRange);
  if (suppression) checkSuppressionHolds(L, seen, values, published, range, out);
}

/**
 * A zero is a count below k too (rule 3: it can tell that everyone in a small group shared one
 * category), so a published zero is refused as a small count is, unless the whole table is zero:
 * its grand total published as 0 (a period in which the centre counted nobody tells nothing about
 * anyone, and the anonymizer publishes it so), or the dataset's zeros are structural.
 */
function checkNoPublishedZero(L: Layout, seen: Int32Array, values: Float64Array, published: Uint8Array, k: number, out: ConflictList): void {
  const grand = L.total - 1;
  if (published[grand] && values[grand] === 0) return;
  for (let m = 0; m < L.total; m++) {
    if (published[m] && values[m] === 0 && seen[m] >= 0) {
      out.add('SMALL_CELL_UNFLAGGED', 'cell', `a count from 0 to ${k - 1} must be suppressed (a zero is published only in a table that is all zero, or where the dataset's zeros are structural)`, seen[m]);
    }
  }
}

/** Writes the coordinates of cell `idx` into `coords`; true for an inner cell (no coordinate a total). */
function decode(L: Layout, idx: number, coords: number[]): boolean {
  let rem = idx;
  let inner = true;
  for (let d = 0; d < L.sizes.length; d++) {
    coords[d] = Math.floor(rem / L.strides[d]);
    rem -= coords[d] * L.strides[d];
    if (coords[d] === L.sizes[d] - 1) inner = false;
  }
  return inner;
}

/** The cell that is `idx` (at `coords`) with the total on every dimension of `mask`: a margin holding it. */
function totalOn(L: Layout, idx: number, coords: readonly number[], mask: number): number {
  let m = idx;
  for (let d = 0; d < L.sizes.length; d++) if (mask & (1 << d)) m += (L.sizes[d] - 1 - coords[d]) * L.strides[d];
  return m;
}

/**
 * What the published cells of the table tell about each suppressed one, worked out as an adversary
 * would, by two tests that never refuse a table the node's audit passed (that audit saw these cells
 * and more, and proved every hidden cell at least the range wide):
 * 1. a suppressed cell that is a linear combination of published cells is given away (a total
 *    with one hidden part, or two rows and two columns of totals around a hidden block);
 * 2. bounds propagated over the published totals (hidden counts are >= 0, so each hidden part of
 *    a total lies between the total less its other parts' upper bounds and the total less their
 *    lower bounds) confine a suppressed cell to an interval narrower than the protection range (a
 *    hidden 1 beside hidden zeros in a total of 1 is 0 or 1).
 * Either refuses the cell with SUPPRESSION_DISCLOSED. The node's LP audit proves more; the hub
 * re-checks this much, so that a faulty or outdated node's table never gets in. Only complete
 * tables whose margins hold are tested (CELL_MISSING and MARGIN_MISMATCH refuse the others).
 */
function checkSuppressionHolds(L: Layout, seen: Int32Array, values: Float64Array, published: Uint8Array, range: number, out: ConflictList): void {
  const nd = L.sizes.length;
  for (let m = 0; m < L.total; m++) if (seen[m] < 0) return;
  // inner cells as atoms; every cell's atoms
  const atomsOf: number[][] = Array.from({ length: L.total }, () => []);
  const atomValue: number[] = [];
  const atomKnown: boolean[] = [];
  const coords = new Array<number>(nd).fill(0);
  for (let idx = 0; idx < L.total; idx++) {
    const inner = decode(L, idx, coords);
    if (!inner) continue;
    const a = atomValue.length;
    atomValue.push(values[idx]);
    atomKnown.push(published[idx] === 1);
    for (let mask = 0; mask < 1 << nd; mask++) atomsOf[totalOn(L, idx, coords, mask)].push(a);
  }
  // published cells over the hidden atoms: what the hidden atoms of each add up to
  const rows: { atoms: number[]; rest: number }[] = [];
  const basis = new SpanBasis();
  for (let m = 0; m < L.total; m++) {
    if (!published[m]) continue;
    const unknown = atomsOf[m].filter((a) => !atomKnown[a]);
    if (unknown.length === 0) continue;
    let rest = values[m];
    for (const a of atomsOf[m]) if (atomKnown[a]) rest -= atomValue[a];
    if (rest < 0) return; // MARGIN_MISMATCH
    rows.push({ atoms: unknown, rest });
    basis.add(indicator(unknown));
  }
  const lb = new Float64Array(atomValue.length);
  const ub = new Float64Array(atomValue.length).fill(Infinity);
  for (let pass = 0, changed = true; pass < 20 && changed; pass++) {
    changed = false;
    for (const { atoms, rest } of rows) {
      let sumLb = 0;
      let sumUb = 0;
      for (const a of atoms) {
        sumLb += lb[a];
        sumUb += ub[a];
      }
      for (const a of atoms) {
        const hi = rest - (sumLb - lb[a]);
        const lo = ub[a] === Infinity ? (sumUb === Infinity ? 0 : rest - sumUb) : rest - (sumUb - ub[a]);
        if (hi < ub[a] - 1e-9) {
          sumUb = ub[a] === Infinity ? Infinity : sumUb - ub[a] + hi;
          ub[a] = hi;
          changed = true;
        }
        if (lo > lb[a] + 1e-9) {
          sumLb += lo - lb[a];
          lb[a] = lo;
          changed = true;
        }
      }
    }
  }
  for (let m = 0; m < L.total; m++) {
    if (published[m]) continue;
    const unknown = atomsOf[m].filter((a) => !atomKnown[a]);
    let width = 0;
    for (const a of unknown) width += ub[a] - lb[a];
    // the bounds first: the span test (an elimination against the basis) only for the cells they leave wide enough
    if (unknown.length === 0 || width < range - 1e-9 || basis.reduce(indicator(unknown)).size === 0) {
      out.add('SUPPRESSION_DISCLOSED', 'cell', `the published cells give a suppressed cell away, or confine it to an interval narrower than the protection range (${range}): secondary suppression is missing`, seen[m]);
    }
  }
}

/**
 * Every cell present, margins too (a table without one of its totals was accepted, and the hub, taking
 * that total for hidden by the sender, hid nearly the whole combined table to protect it); every
 * published margin equals the sum of its parts when all parts are published.
 */
function checkCompleteAndMargins(L: Layout, seen: Int32Array, values: Float64Array, published: Uint8Array, out: ConflictList): void {
  const nd = L.sizes.length;
  const sums = new Float64Array(L.total);
  const unknownParts = new Uint8Array(L.total);
  const isMargin = new Uint8Array(L.total);
  const coords = new Array<number>(nd).fill(0);
  let missing = 0;
  let missingMargins = 0;
  const subsets = 1 << nd;
  for (let idx = 0; idx < L.total; idx++) {
    const inner = decode(L, idx, coords);
    if (!inner) {
      isMargin[idx] = 1;
      if (seen[idx] < 0) missingMargins++;
      continue;
    }
    if (seen[idx] < 0) {
      missing++;
      continue;
    }
    for (let mask = 1; mask < subsets; mask++) {
      const m = totalOn(L, idx, coords, mask);
      if (published[idx]) sums[m] += values[idx];
      else unknownParts[m] = 1;
    }
  }
  if (missing > 0) out.add('CELL_MISSING', 'payload', `${missing} inner cells of the table are missing`);
  if (missingMargins > 0) out.add('CELL_MISSING', 'payload', `${missingMargins} totals (margin cells) of the table are missing`);
  for (let m = 0; m < L.total; m++) {
    if (!isMargin[m] || seen[m] < 0 || !published[m] || missing > 0) continue;
    // with hidden parts, counts >= 0: the published parts add up to the total at most (a row total of 5 over parts of 40, or a
    // grand total of 0 that made the table "all zero" and let protected zeros through, were accepted)
    if (!unknownParts[m] && sums[m] !== values[m]) out.add('MARGIN_MISMATCH', 'cell', 'a total does not equal the sum of its published parts', seen[m]);
    else if (unknownParts[m] && sums[m] > values[m]) out.add('MARGIN_MISMATCH', 'cell', 'a total is less than the sum of its published parts (hidden parts are counts, never negative)', seen[m]);
  }
}
