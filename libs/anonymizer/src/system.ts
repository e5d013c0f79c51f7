import {
  DatasetDecl,
  DatasetUnit,
  DimensionDecl,
  RecordAttribute,
  ReportableRecord,
  StandardIndex,
  formatPeriod,
  monthsOf,
  parsePeriod,
} from '@paivand/schema';
import { AnonymizerError } from './errors';
import { TableLayout, tableLayout } from './table';
import { LedgerEntry } from './types';

/**
 * The linked system of one release: the current suppression datasets of one unit, plus
 * the node's earlier releases (latest revision per dataset and period) whose periods
 * overlap them, over one space of "atoms": the cross product of the codes of the union of
 * their dimensions times time slices (the coarsest partition of the months that every
 * linked period is a union of). Every cell of every linked table is a 0/1 vector over
 * atoms, which is what Gauss suppression and the audit work on.
 *
 * Every table of a system counts the same records: a record without a code on any of the
 * system's dimensions is left out of all of them (`missingOrUnknownCode`). An earlier
 * model gave such records a "not recorded" slot that only the tables without that
 * dimension counted. To the audit that slot was free slack, able to absorb any difference
 * between a quarter by sex and the months by sex and age band, while an adversary who
 * knows the age band is always recorded has no such slack: a property test found a
 * hidden March cell pinned exactly that way.
 */
export interface AtomDim {
  readonly decl: DimensionDecl;
  readonly codes: readonly string[];
  readonly lookup: Map<string, number>;
}

export interface LinkedTable {
  readonly layout: TableLayout;
  readonly period: string;
  /** Time slices the period covers. */
  readonly timeFrom: number;
  readonly timeTo: number;
  /** For each table dimension, the atom dimension it reads. */
  readonly dimMap: readonly number[];
  /** Ledger entry (earlier release) or undefined for the current release. */
  readonly ledger?: LedgerEntry;
  /** Current release: the latest revision of its dataset and period that it replaces, if any. */
  readonly replaces?: LedgerEntry;
  /** The revision the current release replaces (linked as one of the `epochs`). */
  readonly replaced?: boolean;
  /**
   * An earlier release that counted months of the current period as they were then: per
   * regular time slice of the current period, how many of its epochs (`LinkGroup.epochs`) it
   * counts (its place among the releases of that slice, plus one); 0 where it does not cover
   * the slice. Undefined: every epoch and the regular slice (the current release, and earlier
   * releases of other months).
   */
  readonly epochsCounted?: Int32Array;
}

export interface LinkGroup {
  readonly unit: DatasetUnit;
  readonly dims: readonly AtomDim[];
  readonly strides: readonly number[];
  readonly keySize: number;
  /** Time slices, epoch slices included. */
  readonly nTime: number;
  readonly nAtoms: number;
  /**
   * Per regular time slice, its epoch slices (oldest first; empty for most). When the release
   * revises an earlier one, the months of the current period are counted as they grew: every
   * earlier release that covers a slice of them (the replaced revision, a quarter released
   * since, the months of a quarter being revised) saw the counts of its day, and late entries
   * only add. So a slice with m such releases gets m epoch slices after the regular ones:
   * epoch j holds what was entered between the j-th release and the one before it, the
   * regular slice what was entered since the last; the j-th release counts epochs 0..j, the
   * current release all of them. An adversary who assumes late entries only add (revised >=
   * earlier, cell by cell), and who knows the order of the releases but not when an entry was
   * made, knows exactly this; without it, a hidden revised cell could sit between its earlier
   * published value and little more. (One epoch, the replaced revision alone, was the "twin"
   * model: a quarter released between a month and its revision, counted as the revision,
   * made both revisions contradict it, and neither could be released.)
   */
  readonly epochs: readonly Int32Array[];
  /** Per time slice: the regular slice it belongs to, and its place among that slice's epochs (`epochs[t].length` for the regular slice itself). */
  readonly sliceOf: Int32Array;
  readonly epochOf: Int32Array;
  /** Time slice of each month of the current period (SDMX month -> slice). */
  readonly currentMonths: Map<string, number>;
  readonly current: LinkedTable[];
  readonly linked: LinkedTable[];
}

function monthIndex(p: string): number {
  const q = parsePeriod(p);
  return q.year * 12 + q.index - 1;
}

function monthSpan(period: string): [number, number] {
  const ms = monthsOf(period).map((m) => monthIndex(formatPeriod(m)));
  return [ms[0], ms[ms.length - 1]];
}

/** Latest revision per (dataset, period). */
export function latestRevisions(ledger: readonly LedgerEntry[]): LedgerEntry[] {
  const latest = new Map<string, LedgerEntry>();
  for (const e of ledger) {
    const key = `${e.datasetId}\u0000${e.period}`;
    const prev = latest.get(key);
    if (!prev || e.revision > prev.revision) latest.set(key, e);
  }
  return [...latest.values()];
}

/**
 * Months (monthIndex) in which one table's revisions, one after the other, show a count that fell: a cell
 * whose known count (published, or the true count the ledger kept of a hidden one) is lower in a later
 * revision than in the one before.
 */
function refutedMonths(ledger: readonly LedgerEntry[]): Set<number> {
  const chains = new Map<string, LedgerEntry[]>();
  for (const e of ledger) {
    if (e.epsilon !== undefined) continue;
    const id = `${e.datasetId}\u0000${e.period}`;
    const chain = chains.get(id);
    if (chain) chain.push(e);
    else chains.set(id, [e]);
  }
  const out = new Set<number>();
  for (const chain of chains.values()) {
    if (chain.length < 2) continue;
    chain.sort((a, b) => a.revision - b.revision);
    const known = (e: LedgerEntry): Map<string, number> => {
      const m = new Map<string, number>();
      for (const c of e.cells) {
        const v = c.value ?? c.withheld;
        if (v !== undefined) m.set(c.key.join('\u0000'), v);
      }
      return m;
    };
    let fell = false;
    let before = known(chain[0]);
    for (let i = 1; i < chain.length && !fell; i++) {
      const now = known(chain[i]);
      for (const [key, v] of now) if ((before.get(key) ?? -Infinity) > v) fell = true;
      before = now;
    }
    if (!fell) continue;
    try {
      const [from, to] = monthSpan(chain[0].period);
      for (let m = from; m <= to; m++) out.add(m);
    } catch {
      // a period the anonymizer cannot read is never linked
    }
  }
  return out;
}

export function buildLinkGroup(
  standard: StandardIndex,
  unit: DatasetUnit,
  datasets: readonly DatasetDecl[],
  period: string,
  ledger: readonly LedgerEntry[],
  resolve: (id: string) => DatasetDecl | undefined,
  maxCells: number,
  /** Model a replaced revision of the current release, and the releases covering its months, as counts that late entries only added to (see `epochs`). */
  twins = false,
): LinkGroup {
  const currentIds = new Set(datasets.map((d) => d.id));
  const latest = latestRevisions(ledger);
  const isReplaced = (e: LedgerEntry): boolean => currentIds.has(e.datasetId) && e.period === period;
  // the revisions the current release replaces: linked over epoch slices, or only read by suppressGroup
  const replacedAll = latest.filter(isReplaced);
  const replaced = twins ? replacedAll : [];
  // ledger entries of this unit released by suppression (exact figures: no epsilon, whatever the dataset's
  // method is now: a dataset switched to differential privacy keeps its exact releases), not an earlier
  // revision of the current release
  const pool = latest.filter((e) => {
    const d = resolve(e.datasetId);
    return d !== undefined && d.unit === unit && e.epsilon === undefined && !isReplaced(e);
  });
  // transitive closure of overlap with the current period
  let [lo, hi] = monthSpan(period);
  const linkedEntries: LedgerEntry[] = [];
  const remaining = new Set(pool);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of remaining) {
      let span: [number, number];
      try {
        span = monthSpan(e.period);
      } catch {
        remaining.delete(e);
        continue;
      }
      if (span[0] <= hi && lo <= span[1]) {
        linkedEntries.push(e);
        remaining.delete(e);
        lo = Math.min(lo, span[0]);
        hi = Math.max(hi, span[1]);
        changed = true;
      }
    }
  }
  linkedEntries.sort((a, b) => (a.datasetId < b.datasetId ? -1 : a.datasetId > b.datasetId ? 1 : a.period < b.period ? -1 : 1));
  // time slices: cut points of every linked period
  const cuts = new Set<number>([monthSpan(period)[0], monthSpan(period)[1] + 1]);
  for (const e of linkedEntries) {
    const [a, b] = monthSpan(e.period);
    cuts.add(a);
    cuts.add(b + 1);
  }
  const cutList = [...cuts].sort((a, b) => a - b);
  const sliceOfMonth = (m: number): number => {
    let s = 0;
    while (s + 1 < cutList.length && cutList[s + 1] <= m) s++;
    return s;
  };
  const nRegular = cutList.length - 1;
  let nTime = nRegular;
  // epochs of the current period's slices (see LinkGroup.epochs): the releases covering each, in
  // the order the ledger lists them (the order they were released)
  const epochs: Int32Array[] = Array.from({ length: nRegular }, () => new Int32Array(0));
  const counted = new Map<LedgerEntry, Int32Array>();
  // Every revision of a table covering the current period is linked, not only the latest: the public
  // holds them all, and the earlier ones tell what the later ones added (a quarter beside the first and
  // the second revision of a month pinned a hidden cell of the month's second revision). So for a first
  // release too: a quarter released for the first time after a month's revision, audited beside the
  // latest revision only, confined hidden cells of the month holding 0 to 4 to [0, 1] (review finding).
  // Without `twins` (the fallback once late entries are refuted, see protect.ts) only the latest count.
  // Months where two revisions of one table show a count that fell (consents withdrawn, a corrected code) refute
  // "late entries only add" there: the earlier revisions over such a month are not linked (its latest revision
  // is), and the other months keep theirs (dropping every earlier revision of the period for one refuted month
  // reopened the hole above for the months that only grew).
  const [curFrom, curTo] = monthSpan(period);
  const latestSet = new Set(latest);
  const refuted = twins ? refutedMonths(ledger.filter((e) => resolve(e.datasetId)?.unit === unit)) : new Set<number>();
  const older: LedgerEntry[] =
    !twins
      ? []
      : ledger.filter((e) => {
          if (latestSet.has(e) || e.epsilon !== undefined || resolve(e.datasetId)?.unit !== unit) return false;
          try {
            const [from, to] = monthSpan(e.period);
            if (!(from <= curTo && curFrom <= to)) return false;
            for (let m = from; m <= to; m++) if (refuted.has(m)) return false;
            return true;
          } catch {
            return false;
          }
        });
  linkedEntries.push(...older);
  if (replaced.length > 0 || older.length > 0) {
    const releasedBefore = [...linkedEntries, ...replaced].sort((x, y) => ledger.indexOf(x) - ledger.indexOf(y));
    for (const e of releasedBefore) counted.set(e, new Int32Array(nRegular));
    for (let t = sliceOfMonth(curFrom); t <= sliceOfMonth(curTo); t++) {
      const covering = releasedBefore.filter((e) => {
        const [from, to] = monthSpan(e.period);
        return sliceOfMonth(from) <= t && t <= sliceOfMonth(to);
      });
      epochs[t] = Int32Array.from(covering, () => nTime++);
      covering.forEach((e, j) => ((counted.get(e) as Int32Array)[t] = j + 1));
    }
  }
  // per time slice: its regular slice, and its place among that slice's epochs (the regular slice last)
  const sliceOf = new Int32Array(nTime);
  const epochOf = new Int32Array(nTime);
  for (let t = 0; t < nRegular; t++) {
    sliceOf[t] = t;
    epochOf[t] = epochs[t].length;
    epochs[t].forEach((slice, j) => {
      sliceOf[slice] = t;
      epochOf[slice] = j;
    });
  }

  // union of dimensions
  const allDecls: DatasetDecl[] = [...datasets, ...[...linkedEntries, ...replaced].map((e) => resolve(e.datasetId) as DatasetDecl)];
  const dimOrder: DimensionDecl[] = [];
  for (const d of allDecls) {
    for (const dim of d.dimensions) {
      const prev = dimOrder.find((x) => x.id === dim.id);
      if (!prev) dimOrder.push(dim);
      else if (prev.codelist !== dim.codelist || prev.attribute !== dim.attribute) {
        throw new AnonymizerError('INVALID_DATASET', `dimension ${dim.id} is declared with different codelists in linked datasets`);
      }
    }
  }
  const dims: AtomDim[] = dimOrder.map((decl) => {
    const codes = standard.codes(decl.codelist);
    return { decl, codes, lookup: new Map() };
  });
  const strides = new Array<number>(dims.length);
  let keySize = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = keySize;
    keySize *= dims[i].codes.length;
  }
  const nAtoms = keySize * nTime;
  if (nAtoms > maxCells) {
    throw new AnonymizerError('TABLE_TOO_LARGE', `linked tables of unit ${unit} need ${nAtoms} inner cells (limit ${maxCells})`);
  }
  const mkTable = (decl: DatasetDecl, p: string, entry?: LedgerEntry, twinsOnly = false): LinkedTable => {
    const layout = tableLayout(standard, decl);
    if (layout.extSize > maxCells) {
      throw new AnonymizerError('TABLE_TOO_LARGE', `dataset ${decl.id} has ${layout.extSize} cells with margins (limit ${maxCells})`);
    }
    const [a, b] = monthSpan(p);
    return {
      layout,
      period: p,
      timeFrom: sliceOfMonth(a),
      timeTo: sliceOfMonth(b),
      dimMap: decl.dimensions.map((dim) => dims.findIndex((x) => x.decl.id === dim.id)),
      ledger: entry,
      replaced: twinsOnly,
      replaces: entry ? undefined : replacedAll.find((e) => e.datasetId === decl.id),
      ...(entry && counted.has(entry) ? { epochsCounted: counted.get(entry) } : {}),
    };
  };
  const currentMonths = new Map<string, number>();
  for (const m of monthsOf(period)) {
    const text = formatPeriod(m);
    currentMonths.set(text, sliceOfMonth(monthIndex(text)));
  }
  return {
    unit,
    dims,
    strides,
    keySize,
    nTime,
    nAtoms,
    epochs,
    sliceOf,
    epochOf,
    currentMonths,
    current: datasets.map((d) => mkTable(d, period)),
    linked: [
      ...linkedEntries.map((e) => mkTable(resolve(e.datasetId) as DatasetDecl, e.period, e)),
      ...replaced.map((e) => mkTable(resolve(e.datasetId) as DatasetDecl, e.period, e, true)),
    ],
  };
}

/**
 * How many epochs of regular slice t a table counts: an earlier release covering the current
 * period its own (`epochsCounted`), any other table all of them and the regular slice.
 */
export function epochsCountedBy(group: LinkGroup, table: LinkedTable, t: number): number {
  return table.epochsCounted && table.epochsCounted[t] > 0 ? table.epochsCounted[t] : group.epochs[t].length + 1;
}

/** Of a cell of `later`, the atoms of entries made after `earlier` counted them: what was added in between. */
export function addedBetween(group: LinkGroup, earlier: LinkedTable, later: LinkedTable, atoms: Int32Array): Int32Array {
  return atoms.filter((a) => {
    const slice = Math.floor(a / group.keySize);
    const t = group.sliceOf[slice];
    const j = group.epochOf[slice];
    return j >= epochsCountedBy(group, earlier, t) && j < epochsCountedBy(group, later, t);
  });
}

/** Code index of a record value on an atom dimension (generalized), or -1. Memoized. */
export function codeIndex(standard: StandardIndex, dim: AtomDim, value: string | undefined): number {
  if (value === undefined) return -1;
  let idx = dim.lookup.get(value);
  if (idx === undefined) {
    const code = standard.generalize(dim.decl, value);
    idx = code === undefined ? -1 : dim.codes.indexOf(code);
    if (dim.lookup.size < 100_000) dim.lookup.set(value, idx);
  }
  return idx;
}

type AttributeReader = (attributes: ReportableRecord['attributes']) => string | undefined;

/**
 * One reader per record attribute, each a property load with a fixed name: the counting
 * loop's `attributes[name]` with a varying name was a megamorphic keyed load per value
 * (about a tenth of counting a million records). Typed over every attribute, so a new
 * one needs a reader.
 */
const ATTRIBUTE_READERS: Readonly<Record<RecordAttribute, AttributeReader>> = {
  sex: (a) => a.sex,
  age_band: (a) => a.age_band,
  district: (a) => a.district,
  violence_type: (a) => a.violence_type,
  perpetrator_relationship: (a) => a.perpetrator_relationship,
  service_type: (a) => a.service_type,
  service_outcome: (a) => a.service_outcome,
  referral_source: (a) => a.referral_source,
  referral_destination: (a) => a.referral_destination,
  migration_status: (a) => a.migration_status,
  marital_status: (a) => a.marital_status,
  hotline_topic: (a) => a.hotline_topic,
  caller_sex: (a) => a.caller_sex,
};

/**
 * Streaming counter of one group's current atoms: memory is the atom array, whatever the
 * number of records. Every table of the group counts the same records, so what is counted
 * and what is left out (by reason) is one figure per group.
 */
export class AtomCounter {
  readonly atoms: Float64Array;
  counted = 0;
  noConsent = 0;
  outsidePeriod = 0;
  reportedByOtherMember = 0;
  missingOrUnknownCode = 0;
  /** Per atom dimension: records in the period without the attribute at all. */
  readonly absent: Int32Array;
  /** Per atom dimension: the reader of its record attribute, its memo of value -> code index, stride. */
  private readonly readers: AttributeReader[];
  private readonly lookups: Map<string, number>[];
  private readonly dimStrides: Int32Array;
  private lastMonth: string | undefined;
  /** First atom of lastMonth's time slice, -1 outside the period. */
  private lastMonthBase = -1;

  constructor(
    private readonly standard: StandardIndex,
    private readonly group: LinkGroup,
  ) {
    this.atoms = new Float64Array(group.nAtoms);
    this.readers = group.dims.map((d) => ATTRIBUTE_READERS[d.decl.attribute]);
    this.lookups = group.dims.map((d) => d.lookup);
    this.dimStrides = Int32Array.from(group.strides);
    this.absent = new Int32Array(group.dims.length);
  }

  add(r: ReportableRecord): void {
    const g = this.group;
    if (r.unit !== g.unit) return;
    if (!r.consentReporting) {
      this.noConsent++;
      return;
    }
    if (r.reportedByOtherMember) {
      this.reportedByOtherMember++;
      return;
    }
    // consecutive records mostly share a month: its lookup is reused
    if (r.month !== this.lastMonth) {
      const t = g.currentMonths.get(r.month);
      this.lastMonth = r.month;
      this.lastMonthBase = t === undefined ? -1 : t * g.keySize;
    }
    if (this.lastMonthBase < 0) {
      this.outsidePeriod++;
      return;
    }
    let atom = this.lastMonthBase;
    const attributes = r.attributes;
    for (let i = 0; i < this.readers.length; i++) {
      const value = this.readers[i](attributes);
      // hot path: the memo; codeIndex generalizes (and memoizes) a value seen for the first time
      const c = value === undefined ? -1 : (this.lookups[i].get(value) ?? codeIndex(this.standard, g.dims[i], value));
      // a record without a code on one dimension is left out of every table of the system
      if (c < 0) {
        if (value === undefined) this.absent[i]++;
        this.missingOrUnknownCode++;
        return;
      }
      atom += c * this.dimStrides[i];
    }
    this.atoms[atom]++;
    this.counted++;
  }

  /**
   * Refuses an extract none of whose records carries an attribute the system counts by (a
   * caller that read only the current datasets' attributes, while an earlier release linked
   * to them counts by another): every record would be left out, and the tables would be
   * empty. Records must carry the attributes of every dataset of the unit whose earlier
   * releases overlap the period.
   */
  checkAttributes(): void {
    const seen = this.counted + this.missingOrUnknownCode;
    this.group.dims.forEach((d, i) => {
      if (seen > 0 && this.absent[i] === seen) {
        throw new AnonymizerError('MISSING_ATTRIBUTE', `no record carries ${d.decl.attribute}, which the ${this.group.unit} tables linked to this release count by`);
      }
    });
  }
}

/**
 * The cells of a linked table as vectors over atoms, in CSR form over the table's
 * extended index: cell e sums atoms[offsets[e] .. offsets[e+1]).
 */
export interface CellVectors {
  readonly offsets: Int32Array;
  readonly atoms: Int32Array;
}

export function cellVectors(group: LinkGroup, table: LinkedTable): CellVectors {
  const { layout, dimMap } = table;
  const d = layout.sizes.length;
  const masks = 1 << d;
  const counts = new Int32Array(layout.extSize + 1);
  const slots = new Int32Array(group.dims.length);
  // per atom: its inner extended index in this table
  const visit = (fn: (atom: number, e0: number, coords: Int32Array) => void): void => {
    const coords = new Int32Array(d);
    const slices: number[] = [];
    for (let t = table.timeFrom; t <= table.timeTo; t++) {
      // the epochs up to its own (an earlier release covering the current period), or all and the regular slice
      const epochs = group.epochs[t];
      const n = epochsCountedBy(group, table, t);
      if (n > epochs.length) slices.push(t);
      for (let j = 0; j < Math.min(n, epochs.length); j++) slices.push(epochs[j]);
    }
    for (const t of slices) {
      for (let key = 0; key < group.keySize; key++) {
        let rest = key;
        for (let i = 0; i < group.dims.length; i++) {
          slots[i] = Math.floor(rest / group.strides[i]);
          rest -= slots[i] * group.strides[i];
        }
        let e0 = 0;
        for (let j = 0; j < d; j++) {
          const s = slots[dimMap[j]];
          coords[j] = s;
          e0 += s * layout.extStrides[j];
        }
        fn(t * group.keySize + key, e0, coords);
      }
    }
  };
  const forEachCell = (e0: number, coords: Int32Array, fn: (e: number) => void): void => {
    for (let m = 0; m < masks; m++) {
      let e = e0;
      for (let j = 0; j < d; j++) if (m & (1 << j)) e += (layout.sizes[j] - coords[j]) * layout.extStrides[j];
      fn(e);
    }
  };
  visit((_a, e0, coords) => forEachCell(e0, coords, (e) => counts[e + 1]++));
  for (let e = 0; e < layout.extSize; e++) counts[e + 1] += counts[e];
  const fill = counts.slice(0, layout.extSize);
  const atoms = new Int32Array(counts[layout.extSize]);
  visit((a, e0, coords) => forEachCell(e0, coords, (e) => (atoms[fill[e]++] = a)));
  return { offsets: counts, atoms };
}
