import { SuppressionProgress } from './types';
import type { Highs } from 'highs';
import { AuditOutcome, auditCells, highsSolver } from './audit';
import { AnonymizerError } from './errors';
import { GaussSuppressor } from './gauss';
import { FIXED, HIDDEN, RELAXABLE, cheapestRelaxation } from './repair';
import { CellVectors, LinkGroup, LinkedTable, addedBetween, cellVectors } from './system';
import { LedgerCell, LedgerEntry } from './types';
import { extIndexOf, fillMargins, totalsIn } from './table';
import { DatasetDecl, protectionRangeOf } from '@paivand/schema';

/**
 * Suppression of one linked system (see system.ts): primary suppression per table,
 * Gauss suppression over the whole system, then the audit; where the audit finds an
 * interval narrower than the protection range, more cells are forced hidden and Gauss runs
 * again, until the audit passes (or AUDIT_FAILED). Which cells: on systems small enough for
 * Gauss to run again each round, the cheapest set a linear program finds that lets the
 * failing cell move far enough (repair.ts); otherwise, or where the program finds nothing,
 * one published neighbour of the failing cell (chooseExtra). The first
 * rounds use only the audit's cheap proof of failure (bound propagation, no LP) and repair
 * what it finds; then each round's audit stops after FAILURES_PER_ROUND cells shown failing,
 * and only a complete audit that finds nothing ends the loop. Every round forces at least one
 * more current cell hidden or stops with AUDIT_FAILED, so the loop ends; there is no round
 * limit (a 100,000-incident centre-month takes three rounds; with a neighbour per failing cell
 * it took sixty).
 *
 * Tried and left out: hiding a published cell that binds a cell stuck for some rounds, instead
 * of another neighbour. It was faster on large months, but it hid members' grand totals in the
 * demo, and with a patience of five rounds a 100,000-incident month ran into the old round limit.
 *
 * Primary rule (exact):
 * - a cell with a count from 1 to k-1 is hidden;
 * - a zero is hidden unless the dataset declares structural zeros, or the whole table is empty
 *   (grand total 0: a period without a record has no one to disclose);
 * - "100% cells": for a cell G with 0 < count(G) < 2k and a dimension d on which G is a
 *   total (`_T`) and that has at least two codes, a child of G along d (G with `_T` on d
 *   replaced by a code) that holds all of G's count is hidden: knowing someone is in the
 *   small group G would otherwise tell her category on d.
 */
export interface SystemCell {
  /** Index into group.current (current release) or -1 for a ledger cell. */
  readonly table: number;
  readonly e: number;
  readonly atoms: Int32Array;
  /** True count (current) or published value (ledger; null when it was suppressed). */
  readonly value: number | null;
  readonly range: number;
  readonly totals: number;
  /** Only these values need the range (AuditCell.sensitive); the entries added to a cell since the revision it replaces. */
  readonly sensitive?: { readonly lo: number; readonly hi: number };
}

export type CellState = 'published' | 'primary' | 'secondary';

export interface GroupOutcome {
  /** Per current table: extended values and states. */
  readonly tables: { readonly ext: Float64Array; readonly state: CellState[]; readonly widths: Map<number, number> }[];
  readonly audit: AuditOutcome;
  readonly rounds: number;
}

function currentValues(group: LinkGroup, t: number, atoms: Float64Array): Float64Array {
  const table = group.current[t];
  const { layout, dimMap } = table;
  const ext = new Float64Array(layout.extSize);
  const slots = new Int32Array(group.dims.length);
  for (let ts = table.timeFrom; ts <= table.timeTo; ts++) {
    for (let key = 0; key < group.keySize; key++) {
      const v = atoms[ts * group.keySize + key];
      if (v === 0) continue;
      let rest = key;
      for (let i = 0; i < group.dims.length; i++) {
        slots[i] = Math.floor(rest / group.strides[i]);
        rest -= slots[i] * group.strides[i];
      }
      let e = 0;
      for (let j = 0; j < dimMap.length; j++) e += slots[dimMap[j]] * layout.extStrides[j];
      ext[e] += v;
    }
  }
  fillMargins(layout, ext);
  return ext;
}

type ExtLayout = { sizes: readonly number[]; extStrides: readonly number[]; extSize: number };

export function primarySuppression(dataset: DatasetDecl, layout: ExtLayout, ext: Float64Array): boolean[] {
  const { k, structuralZeros } = dataset.protection;
  const primary = new Array<boolean>(layout.extSize).fill(false);
  // A table without a single record (a centre's month without a case of this kind): its zeros tell
  // nothing about anyone, because there is no one; published, the hub shows 0, not a hidden total.
  // (A zero is hidden elsewhere for what it says about the others in its group.)
  const empty = ext[layout.extSize - 1] === 0;
  for (let e = 0; e < layout.extSize; e++) {
    const v = ext[e];
    if ((v > 0 && v < k) || (v === 0 && !structuralZeros && !empty)) primary[e] = true;
  }
  hideWholeGroups(layout, ext, k, primary);
  return primary;
}

/** The "100% cell" rule: a child holding all of a small group G's count (0 < |G| < 2k) is hidden. NaN: unknown, never matches. */
function hideWholeGroups(layout: ExtLayout, ext: Float64Array, k: number, primary: boolean[]): void {
  for (let e = 0; e < layout.extSize; e++) {
    const v = ext[e];
    if (!(v !== 0 && Math.abs(v) < 2 * k)) continue;
    layout.sizes.forEach((n, d) => {
      const stride = layout.extStrides[d];
      if (n < 2 || Math.floor(e / stride) % (n + 1) !== n) return;
      for (let c = 0; c < n; c++) {
        const child = e - (n - c) * stride;
        if (ext[child] === v) primary[child] = true;
      }
    });
  }
}

/**
 * A revision beside the release it replaces: the difference of two published values of one
 * cell is the count of entries added (or removed) in between, a table of its own that is
 * mostly small counts. Where that difference is 1 to k-1 (either sign), or a small group of
 * late entries falls entirely in one category, the revision hides the cell (primary), so
 * the difference is never known exactly; the audit then keeps it at least the range wide
 * (the earlier value is fixed, so the difference is exactly as wide as the revised cell).
 * Cells the earlier release hid already have a width of their own there; they stay hidden.
 */
export function revisionPrimary(dataset: DatasetDecl, layout: ExtLayout, ext: Float64Array, before: Float64Array, primary: boolean[]): void {
  const k = dataset.protection.k;
  const diff = new Float64Array(layout.extSize);
  for (let e = 0; e < layout.extSize; e++) {
    diff[e] = ext[e] - before[e];
    const d = Math.abs(diff[e]);
    if (d > 0 && d < k) primary[e] = true;
  }
  hideWholeGroups(layout, diff, k, primary);
}

/**
 * A repair round's audit stops once it has shown this many cells failing: the loop needs
 * some failures to repair, not all (a round with a thousand failing zeros added a handful of
 * cells either way), and the next round's audit starts again. Only a complete audit passes.
 */
const FAILURES_PER_ROUND = 20;

/**
 * Systems with more cells than this repair without re-running Gauss suppression: the cells a
 * round adds are hidden on top of the pattern (hiding more never makes a cell recomputable),
 * instead of a new pass that may publish again some of the secondary cells. A pass over a
 * 10,000-cell table takes 8 to 17 s, and the table needs dozens of rounds: with a pass per
 * round it did not finish in 180 s, without one it takes about 40 s (at the cost of more
 * hidden cells: 35-55% more secondary cells on the small tables where both finish). A
 * centre-month of the standard (1,764 cells, about 44 ms a pass) keeps the re-runs, which
 * publish 485 of its cells where monotone repair publishes 336. A count of cells, not a
 * clock, so the same extract gives the same tables on any machine.
 */
const REGAUSS_MAX_CELLS = 5_000;

/**
 * How many of a round's failing cells share one linear program of the repair (repair.ts): one
 * move of the table that carries each of them far enough. A round with few failing cells (every
 * round of a centre-month at 50 to 300 incidents) gives each its own program; the first round of
 * a 100,000-incident centre-month (220 failing cells) five to a program: 1.6 s instead of 3.5 s,
 * with about as many cells published. (Five to a program everywhere cost the small centre-months
 * a fifth of their published margins: one move for many cells asks more of the donors.)
 */
const FAILING_PER_PROGRAM = 40;

/**
 * The price of hiding a cell in the repair is its value plus one, times this for every total
 * (`_T`) in its key: a margin costs more than the inner cells it sums. Readers use the margins
 * (the hub's national tables are 1-D margins summed over members); at 50 to 300 incidents a
 * month, pricing by value alone left 180 of 336 1-D margins published, a price of 4 per level 188.
 */
const LEVEL_PRICE = 4;

/**
 * The cell of `layout` a released figure's key names. A key that names none (a code or a dimension its
 * dataset no longer has) refuses the release: the figure is still out there, and leaving it out of the
 * audit (a published one) or out of what must stay hidden (a hidden one) would let the adversary know more
 * than the audit does. The standard's versions never remove a code or change a dataset's dimensions.
 */
function placedCell(layout: LinkedTable['layout'], key: readonly string[], datasetId: string): number {
  const e = extIndexOf(layout, key);
  if (e < 0) {
    throw new AnonymizerError('LEDGER_UNREADABLE', `a figure released earlier for dataset ${datasetId} names a cell its declaration no longer has; the release cannot be audited against it`);
  }
  return e;
}

export async function suppressGroup(
  group: LinkGroup,
  atomCounts: Float64Array,
  onProgress?: (progress: SuppressionProgress) => void,
  regaussMaxCells = REGAUSS_MAX_CELLS,
): Promise<GroupOutcome> {
  const cells: SystemCell[] = [];
  const tableStart: number[] = [];
  const exts: Float64Array[] = [];
  const primary: boolean[][] = [];
  const forced = new Set<number>();

  group.current.forEach((table, t) => {
    const ext = currentValues(group, t, atomCounts);
    exts.push(ext);
    const vec = cellVectors(group, table);
    const range = protectionRangeOf(table.layout.dataset.protection);
    tableStart.push(cells.length);
    for (let e = 0; e < table.layout.extSize; e++) {
      // Every hidden cell keeps the full range, zeros too. The dataset's `zeroProtectionRange` (standard
      // 2026.1 declares 1) is not applied: a rule that asks less of a zero tells it by its narrower
      // interval (a hidden cell an adversary finds less than k wide could only be a zero).
      const cellRange = range;
      cells.push({ table: t, e, atoms: vec.atoms.subarray(vec.offsets[e], vec.offsets[e + 1]), value: ext[e], range: cellRange, totals: totalsIn(table.layout, e) });
    }
    const isPrimary = primarySuppression(table.layout.dataset, table.layout, ext);
    primary.push(isPrimary);
    // the revision this release replaces: its hidden cells stay hidden, small differences are hidden
    if (table.replaces) {
      const before = new Float64Array(table.layout.extSize).fill(NaN);
      // a cell it hid stays hidden, held to the range it was released under when that asked less (LedgerEntry.protection)
      const releasedRange = table.replaces.protection?.protectionRange;
      for (const c of table.replaces.cells) {
        const e = placedCell(table.layout, c.key, table.layout.dataset.id);
        if (c.value === null) {
          const i = tableStart[t] + e;
          forced.add(i);
          if (releasedRange !== undefined && releasedRange < cells[i].range) cells[i] = { ...cells[i], range: releasedRange };
        } else before[e] = c.value;
      }
      revisionPrimary(table.layout.dataset, table.layout, ext, before, isPrimary);
    }
  });
  const nCurrent = cells.length;
  const vectors = new Map<LinkedTable, CellVectors>();
  const cellAtomsOf = (table: LinkedTable, e: number): Int32Array => {
    let vec = vectors.get(table);
    if (!vec) vectors.set(table, (vec = cellVectors(group, table)));
    return vec.atoms.subarray(vec.offsets[e], vec.offsets[e + 1]);
  };
  for (const table of group.linked) {
    // an earlier release's hidden cells keep the range they were released under (LedgerEntry.protection)
    const range = table.ledger?.protection?.protectionRange ?? protectionRangeOf(table.layout.dataset.protection);
    for (const c of table.ledger?.cells ?? []) {
      const e = placedCell(table.layout, c.key, table.layout.dataset.id);
      cells.push({ table: -1, e, atoms: cellAtomsOf(table, e), value: c.value, range, totals: totalsIn(table.layout, e) });
    }
  }
  // The entries added between two revisions of one table to a cell both hide: the later one's atoms in
  // the epochs after the earlier one (addedBetween), never published, audited as a hidden cell of their
  // own. An adversary who assumes late entries only add can otherwise pin a small number of them:
  // [1, 4, 5] then [2, 4, 10] with the 5, the 10 and the totals published tells that exactly one entry
  // was added to the two hidden cells together. Only 1 to k-1 added entries need the range, as when
  // both values are published (revisionPrimary). The numbers are known where the ledger kept the true
  // counts (`withheld`); where it did not, the added entries of every cell the replaced revision hid
  // are audited and pass once the published figures confine them to none or to k or more
  // (`sensitive`), which hides more. Pairs of revisions linked here are audited again: a later table
  // (a quarter revised beside them) can narrow what an earlier audit left wide.
  if (group.linked.some((lt) => lt.replaced || lt.epochsCounted)) {
    const chains = new Map<string, { table: LinkedTable; current?: number }[]>();
    const chainOf = (entry: LedgerEntry): { table: LinkedTable; current?: number }[] => {
      const id = `${entry.datasetId}\u0000${entry.period}`;
      let chain = chains.get(id);
      if (!chain) chains.set(id, (chain = []));
      return chain;
    };
    for (const lt of group.linked) if (lt.ledger) chainOf(lt.ledger).push({ table: lt });
    group.current.forEach((table, t) => {
      if (table.replaces) chainOf(table.replaces).push({ table, current: t });
    });
    // oldest first: the earlier revisions by number, the current release last
    const order = (x: { table: LinkedTable; current?: number }): number => (x.current !== undefined ? Infinity : (x.table.ledger as LedgerEntry).revision);
    for (const chain of chains.values()) {
      chain.sort((x, y) => order(x) - order(y));
      const { layout } = chain[0].table;
      const k = layout.dataset.protection.k;
      if (k < 2) continue;
      const range = protectionRangeOf(layout.dataset.protection);
      const hiddenIn = chain.map((x) => new Map((x.table.ledger?.cells ?? []).filter((c) => c.value === null).map((c) => [c.key.join('\u0000'), c])));
      // the current release hides every cell the replaced revision hid (`forced`)
      const forcedKeys = hiddenIn[chain.findIndex((x) => x.table.replaced)] ?? new Map<string, LedgerCell>();
      for (let b = 1; b < chain.length; b++) {
        const later = chain[b];
        // entries added up to an earlier release: the protection that release was made under
        const laterProtection = later.current === undefined ? later.table.ledger?.protection : undefined;
        const kAt = laterProtection?.k ?? k;
        const rangeAt = laterProtection?.protectionRange ?? range;
        for (let a = 0; a < b; a++) {
          const earlier = chain[a];
          for (const [key, c] of hiddenIn[a]) {
            // the later one hides it too
            const laterCell = later.current === undefined ? hiddenIn[b].get(key) : undefined;
            if (later.current === undefined ? !laterCell : !forcedKeys.has(key)) continue;
            const e = placedCell(layout, c.key, layout.dataset.id);
            const laterValue = later.current === undefined ? laterCell?.withheld : (cells[tableStart[later.current] + e].value as number);
            const added = c.withheld === undefined || laterValue === undefined ? undefined : laterValue - c.withheld;
            let sensitive: { lo: number; hi: number } | undefined;
            if (added === undefined) {
              // unknown: only where the current release replaces the earlier one
              if (later.current === undefined || !earlier.table.replaced) continue;
              sensitive = { lo: 1, hi: kAt - 1 };
            } else if (!(added >= 1 && added < kAt)) continue;
            const atoms = addedBetween(group, earlier.table, later.table, later.current === undefined ? cellAtomsOf(later.table, e) : cells[tableStart[later.current] + e].atoms);
            cells.push({ table: -1, e, atoms, value: null, range: rangeAt, totals: totalsIn(layout, e), ...(sensitive ? { sensitive } : {}) });
          }
        }
      }
    }
    // The same across tables: the entries added since an earlier release of a table of the same
    // dimensions over part of the current period (a month beside its quarter's revision), to a cell that
    // release hid: the current cell's atoms in its months, in the epochs after it (1 to k-1 of them).
    const dimsOf = (d: DatasetDecl): string => d.dimensions.map((x) => x.id).join('\u0000');
    group.current.forEach((table, t) => {
      const k = table.layout.dataset.protection.k;
      if (k < 2) return;
      const range = protectionRangeOf(table.layout.dataset.protection);
      for (const lt of group.linked) {
        const counted = lt.epochsCounted;
        if (!lt.ledger || !counted || lt.layout.dataset.id === table.layout.dataset.id || dimsOf(lt.layout.dataset) !== dimsOf(table.layout.dataset)) continue;
        if (lt.timeFrom < table.timeFrom || lt.timeTo > table.timeTo || (lt.timeFrom === table.timeFrom && lt.timeTo === table.timeTo)) continue;
        for (const c of lt.ledger.cells) {
          if (c.value !== null || c.withheld === undefined) continue;
          const e = placedCell(table.layout, c.key, lt.layout.dataset.id);
          const own = cells[tableStart[t] + e].atoms;
          let part = 0;
          for (const a of own) if (counted[group.sliceOf[Math.floor(a / group.keySize)]] > 0) part += atomCounts[a];
          const added = part - c.withheld;
          if (!(added >= 1 && added < k)) continue;
          cells.push({ table: -1, e, atoms: addedBetween(group, lt, table, own), value: null, range, totals: totalsIn(table.layout, e) });
        }
      }
    });
  }
  const isPrimary = (i: number): boolean => i < nCurrent && primary[cells[i].table][cells[i].e];

  // candidates: descending count; ties: more totals first, then table and position (deterministic)
  const candidates: number[] = [];
  for (let i = 0; i < nCurrent; i++) if (!isPrimary(i)) candidates.push(i);
  candidates.sort((a, b) => (cells[b].value as number) - (cells[a].value as number) || cells[b].totals - cells[a].totals || a - b);

  const extra = new Set<number>(forced);
  let secondary = new Set<number>();
  // which cells are hidden (primary, secondary, or suppressed in the ledger), as flags: set by
  // every Gauss pass, read by the audit's input and by chooseExtra's inner loops
  const hidden = new Uint8Array(cells.length);
  // current cells that earlier releases already determine (the quarter's total beside three
  // published months): hiding one cannot protect anything and could never pass the audit.
  // Found by the first pass, once it has published the ledger's cells.
  const determined = new Uint8Array(nCurrent);
  let determinedFound = false;
  const runGauss = (): void => {
    const g = new GaussSuppressor(group.nAtoms);
    for (let i = 0; i < cells.length; i++) {
      if (isPrimary(i) || extra.has(i) || (i >= nCurrent && cells[i].value === null)) g.protect(i, cells[i].atoms);
    }
    for (let i = nCurrent; i < cells.length; i++) if (cells[i].value !== null) g.force(cells[i].atoms);
    if (!determinedFound && cells.length > nCurrent) {
      for (let i = 0; i < nCurrent; i++) if (g.isDetermined(cells[i].atoms)) determined[i] = 1;
    }
    determinedFound = true;
    secondary = new Set(extra);
    for (const i of candidates) {
      if (extra.has(i)) continue;
      if (g.offer(i, cells[i].atoms) === 'suppressed') secondary.add(i);
    }
    for (let i = 0; i < cells.length; i++) hidden[i] = (i < nCurrent ? isPrimary(i) || secondary.has(i) : cells[i].value === null) ? 1 : 0;
  };

  // atom -> cells, for choosing extra suppressions near a failing cell
  const atomStart = new Int32Array(group.nAtoms + 1);
  for (const c of cells) for (const a of c.atoms) atomStart[a + 1]++;
  for (let a = 0; a < group.nAtoms; a++) atomStart[a + 1] += atomStart[a];
  const fillPos = atomStart.slice(0, group.nAtoms);
  const atomCells = new Int32Array(atomStart[group.nAtoms]);
  cells.forEach((c, i) => {
    for (const a of c.atoms) atomCells[fillPos[a]++] = i;
  });

  let maxLevel = 0;
  for (let i = 0; i < nCurrent; i++) maxLevel = Math.max(maxLevel, cells[i].totals);
  const chooseExtra = (f: number, need: number): number => {
    const own = new Set(cells[f].atoms);
    // published cells that bind f, tightest (fewest atoms) first
    const binding = new Set<number>();
    for (const a of cells[f].atoms) for (let p = atomStart[a]; p < atomStart[a + 1]; p++) if (!hidden[atomCells[p]]) binding.add(atomCells[p]);
    const ordered = [...binding].sort((x, y) => cells[x].atoms.length - cells[y].atoms.length || x - y);
    // Prefer hiding an inner cell next to f; failing that, a low-order margin that does not
    // contain f (a 3-D before a 2-D one), and only then a margin that binds f itself: hiding
    // the binding margins first ends with the grand total hidden.
    // One scan of b's neighbourhood gives its best cell at every level (-1: none).
    const better = (c: number, best: number): boolean => {
      if (best < 0) return true;
      const v = cells[c].value as number;
      const bv = cells[best].value as number;
      return v >= need ? bv < need || v < bv || (v === bv && c < best) : bv < need && (v > bv || (v === bv && c < best));
    };
    const bestByLevel = new Map<number, Int32Array>();
    const pickAll = (b: number): Int32Array => {
      let best = bestByLevel.get(b);
      if (best) return best;
      best = new Int32Array(maxLevel + 1).fill(-1);
      for (const a of cells[b].atoms) {
        if (own.has(a)) continue;
        for (let p = atomStart[a]; p < atomStart[a + 1]; p++) {
          const c = atomCells[p];
          if (c >= nCurrent || hidden[c] || determined[c]) continue;
          const level = cells[c].totals;
          if (better(c, best[level])) best[level] = c;
        }
      }
      bestByLevel.set(b, best);
      return best;
    };
    for (let level = 0; level < maxLevel; level++) {
      for (const b of ordered) {
        const best = pickAll(b)[level];
        if (best >= 0) return best;
      }
    }
    for (const b of ordered) if (b < nCurrent && !determined[b]) return b;
    return -1;
  };

  runGauss();
  const regauss = cells.length <= regaussMaxCells;
  // the repair by linear program (repair.ts) where Gauss runs again after each round
  const lpRepair = regauss;
  let highs: Highs | undefined;
  const cellAtoms = cells.map((c) => c.atoms);
  const hideCost = new Float64Array(cells.length);
  const moves: Float64Array[] = [];
  const gain = (d: Float64Array, atoms: Int32Array): number => {
    let g = 0;
    for (let k = 0; k < atoms.length; k++) g += d[atoms[k]];
    return g;
  };
  let audit: AuditOutcome;
  let seeds: Float64Array[] = [];
  let rounds = 0;
  // Cheap rounds first: while bound propagation alone proves cells too narrow, repair those
  // (no LP); then full audits, which alone can pass the table.
  let boundsOnly = true;
  let suspects = new Set<number>();
  for (; ; rounds++) {
    audit = await auditCells(
      group.nAtoms,
      cells.map((c, i) => ({ atoms: c.atoms, value: hidden[i] ? null : c.value, range: c.range, sensitive: c.sensitive })),
      { hint: atomCounts, seeds, boundsOnly, suspects, stopAfter: FAILURES_PER_ROUND },
    );
    if (audit.consistent && audit.failing.length === 0 && !audit.complete) {
      boundsOnly = false;
      rounds--;
      continue;
    }
    if (onProgress && audit.consistent) {
      let hiddenNow = 0;
      for (let i = 0; i < nCurrent; i++) hiddenNow += hidden[i];
      const passed = audit.failing.length === 0;
      onProgress({ unit: group.unit, round: rounds, cells: nCurrent, hidden: hiddenNow, failing: audit.failing.length, passed });
    }
    seeds = audit.points;
    suspects = new Set(audit.failing);
    if (!audit.consistent) {
      throw new AnonymizerError('LEDGER_INCONSISTENT', 'the extract contradicts figures this node already released for an overlapping period; release a revision of the earlier period first');
    }
    if (audit.failing.length === 0) break;
    let added = 0;
    const hide = (s: number): void => {
      extra.add(s);
      added++;
      hidden[s] = 1; // seen by the next choices of this round; a Gauss pass sets it again
      if (!regauss) secondary.add(s);
    };
    let relax: Uint8Array | undefined;
    if (lpRepair) {
      highs ??= await highsSolver();
      relax = new Uint8Array(cells.length);
      for (let i = 0; i < cells.length; i++) {
        if (i >= nCurrent) relax[i] = cells[i].value === null ? HIDDEN : FIXED;
        else if (isPrimary(i) || extra.has(i)) relax[i] = HIDDEN;
        else relax[i] = determined[i] ? FIXED : RELAXABLE;
        // a secondary cell of the last Gauss pass costs next to nothing, but once used it is forced
        // hidden: the next pass could otherwise publish it again and undo the repair
        hideCost[i] = hidden[i] ? 1e-3 : ((cells[i].value ?? 0) + 1) * LEVEL_PRICE ** cells[i].totals;
      }
    }
    const needOf = (f: number): number => {
      // added entries (f >= nCurrent): the extract's counts put every record in the regular slices, so
      // their value there is not the number added; the move must carry them the whole range
      if (f >= nCurrent) return cells[f].range;
      const iv = audit.intervals.get(f);
      let v = 0;
      for (const a of cells[f].atoms) v += atomCounts[a];
      const need = iv?.exact ? iv.lo + cells[f].range - v : cells[f].range;
      return need > 0 ? need : cells[f].range;
    };
    // a move found for another cell may already carry this one far enough: moves stay feasible,
    // since the cells they free stay hidden from then on
    const covered = (f: number): boolean => moves.some((d) => gain(d, cells[f].atoms) >= needOf(f) - 1e-9);
    let unrepaired: number[] = [];
    if (relax && highs) {
      const batchSize = Math.max(1, Math.floor(audit.failing.length / FAILING_PER_PROGRAM));
      for (let i = 0; i < audit.failing.length; i += batchSize) {
        const batch = audit.failing.slice(i, i + batchSize).filter((f) => !covered(f));
        if (batch.length === 0) continue;
        const found = cheapestRelaxation(highs, atomCounts, cellAtoms, relax, hideCost, batch.map((f) => ({ atoms: cells[f].atoms, need: needOf(f) })));
        for (const s of found?.hide ?? []) {
          if (s >= nCurrent || extra.has(s)) continue;
          if (hidden[s]) {
            extra.add(s); // a secondary cell of the last pass: kept hidden from now on
            added++;
          } else hide(s);
          relax[s] = HIDDEN;
        }
        // a move that needs no new cell hidden: earlier choices of this round already repaired these
        if (found) moves.push(found.move);
        else unrepaired.push(...batch);
      }
    }
    // cells for which the program found no move, and every failing cell when the programs forced
    // nothing new (a cell left unproven by a solver that gave up): a neighbour each
    if (!relax || added === 0) unrepaired = audit.failing;
    for (const f of unrepaired) {
      const iv = audit.intervals.get(f);
      const width = (iv?.hi ?? 0) - (iv?.lo ?? 0);
      const s = chooseExtra(f, cells[f].range - width);
      if (s >= 0 && !extra.has(s)) {
        hide(s);
        if (relax) relax[s] = HIDDEN;
      }
    }

    if (added === 0) {
      throw new AnonymizerError('AUDIT_FAILED', `${audit.failing.length} hidden cell(s) can be narrowed below the protection range by what is already published, and no further suppression helps`);
    }
    if (regauss) runGauss();
  }

  const tables = group.current.map((table, t) => {
    const state: CellState[] = [];
    const widths = new Map<number, number>();
    for (let e = 0; e < table.layout.extSize; e++) {
      const i = tableStart[t] + e;
      state.push(primary[t][e] ? 'primary' : secondary.has(i) ? 'secondary' : 'published');
      const iv = audit.intervals.get(i);
      if (iv) widths.set(e, iv.hi - iv.lo);
    }
    return { ext: exts[t], state, widths };
  });
  return { tables, audit, rounds };
}

