import { coordsOf, indexOf, isInner, supportOf, TableLayout } from './table-layout';
import { indicator, SparseVector, SpanBasis } from './span-basis';

/** Why a combined cell is not shown: 0 shown, 1 a member suppressed its part (the hub does not know the value), 2 fewer than minContributors members (primary, at the hub), 3 hidden so that no primary cell can be computed (secondary). */
export const Hidden = { No: 0, Sender: 1, Primary: 2, Secondary: 3 } as const;

/**
 * The combined table of one (dataset, period) for audiences without member identity:
 * values summed over members, minContributors as primary suppression, then secondary
 * suppression until no hidden cell is a linear combination of published ones.
 */
export interface ProtectedTable {
  readonly layout: TableLayout;
  /** Combined value (NaN when a member suppressed its part). */
  readonly value: Float64Array;
  readonly contributors: Int32Array;
  readonly hidden: Uint8Array;
  /** Row space of the published margins restricted to the hidden inner cells. */
  readonly basis: SpanBasis;
}

/** Member tables: value per cell of the layout, NaN when suppressed or absent. */
export function combine(layout: TableLayout, members: readonly Float64Array[]): { value: Float64Array; contributors: Int32Array } {
  const value = new Float64Array(layout.total);
  const contributors = new Int32Array(layout.total);
  for (const m of members) {
    for (let i = 0; i < layout.total; i++) {
      const v = m[i];
      value[i] += v; // NaN stays NaN
      if (v > 0) contributors[i]++;
    }
  }
  return { value, contributors };
}

function restricted(layout: TableLayout, idx: number, hidden: Uint8Array): SparseVector {
  return indicator(supportOf(layout, idx).filter((c) => hidden[c] !== Hidden.No));
}

/**
 * The published margins restricted to the hidden inner cells, each with its value: the
 * margin less its published inner cells (what the published figures say those hidden
 * cells add up to). `label` renumbers the cells (an order of elimination: see fewMemberCombinations).
 */
function buildBasis(layout: TableLayout, hidden: Uint8Array, inner: Uint8Array, value: Float64Array, label: (cell: number) => number = (c) => c): SpanBasis {
  const basis = new SpanBasis();
  for (let i = 0; i < layout.total; i++) {
    if (inner[i] || hidden[i] !== Hidden.No) continue;
    const support = supportOf(layout, i);
    const v = indicator(support.filter((c) => hidden[c] !== Hidden.No).map(label));
    if (v.size === 0) continue;
    let rest = value[i];
    for (const c of support) if (hidden[c] === Hidden.No) rest -= value[c];
    basis.add(v, rest);
  }
  return basis;
}

/**
 * The derivable combinations of hidden inner cells that draw on fewer than minContributors members
 * each (primary at the hub, or hidden zeros, which add no one): the published margins' span, reduced
 * with every other hidden cell eliminated first (column order puts those before these), keeps exactly
 * the vectors of the span that hold none of the others. Each as the inner cells it holds.
 */
function fewMemberCombinations(layout: TableLayout, hidden: Uint8Array, inner: Uint8Array, value: Float64Array): number[][] {
  const few = (c: number): boolean => hidden[c] === Hidden.Primary || (hidden[c] !== Hidden.Sender && value[c] === 0);
  let count = 0;
  for (let i = 0; i < layout.total; i++) if (inner[i] && hidden[i] !== Hidden.No && few(i)) count++;
  if (count < 2) return [];
  const shift = layout.total;
  return buildBasis(layout, hidden, inner, value, (c) => (few(c) ? shift + c : c))
    .pivotRows()
    .filter(([pivot]) => pivot >= shift)
    .map(([, v]) => [...v.keys()].map((c) => c - shift));
}

/** Published cells next to `idx` that pass `ok`: another code in one non-total coordinate, then the parents (one coordinate to `_T`). */
function candidates(layout: TableLayout, idx: number, hidden: Uint8Array, ok: (c: number) => boolean): number[] {
  const c = coordsOf(layout, idx);
  const siblings: number[] = [];
  const parents: number[] = [];
  for (let d = 0; d < c.length; d++) {
    const n = layout.sizes[d] - 1;
    if (c[d] === n) continue;
    for (let k = 0; k < n; k++) {
      if (k === c[d]) continue;
      const s = indexOf(layout, c.map((x, j) => (j === d ? k : x)));
      if (hidden[s] === Hidden.No && ok(s)) siblings.push(s);
    }
    const p = indexOf(layout, c.map((x, j) => (j === d ? n : x)));
    if (hidden[p] === Hidden.No && ok(p)) parents.push(p);
  }
  if (siblings.length > 0) return siblings;
  if (parents.length > 0) return parents;
  // Any published cell that shares inner cells with this one.
  const out: number[] = [];
  for (let j = 0; j < layout.total; j++) {
    if (hidden[j] !== Hidden.No || !ok(j)) continue;
    const cj = coordsOf(layout, j);
    if (cj.every((x, d) => x === c[d] || x === layout.sizes[d] - 1 || c[d] === layout.sizes[d] - 1)) out.push(j);
  }
  return out;
}

export function protectTable(layout: TableLayout, members: readonly Float64Array[], minContributors: number): ProtectedTable {
  const { value, contributors } = combine(layout, members);
  return protectCombined(layout, value, contributors, minContributors);
}

/**
 * The same from the combined table itself (value NaN where a member's part is unknown, contributors
 * = members with a count above zero), as the hub's SQL aggregate returns it.
 */
export function protectCombined(
  layout: TableLayout,
  value: Float64Array,
  contributors: Int32Array,
  minContributors: number,
  /** Cells hidden in an earlier table of the same period: hidden again (as secondary), whatever they hold now. */
  hiddenBefore: Iterable<number> = [],
): ProtectedTable {
  const hidden = new Uint8Array(layout.total);
  const inner = new Uint8Array(layout.total);
  for (let i = 0; i < layout.total; i++) {
    inner[i] = isInner(layout, i) ? 1 : 0;
    if (Number.isNaN(value[i])) hidden[i] = Hidden.Sender;
    else if (value[i] > 0 && contributors[i] < minContributors) hidden[i] = Hidden.Primary;
  }
  for (const i of hiddenBefore) if (hidden[i] === Hidden.No) hidden[i] = Hidden.Secondary;
  for (let round = 0; round < layout.total; round++) {
    const basis = buildBasis(layout, hidden, inner, value);
    const toHide = new Set<number>();
    let derivable = 0;
    for (let i = 0; i < layout.total; i++) {
      if (hidden[i] === Hidden.No) continue;
      if (!basis.contains(restricted(layout, i, hidden))) continue;
      derivable++;
      // Derivable: hide the smallest published neighbour (least information lost), but not a zero:
      // counts are non-negative, so a hidden group whose published total leaves 0 is proven all zero,
      // and a zero hidden beside a member's cell gives that cell away (the rank test alone misses it).
      // With every hub-hidden cell above zero, a cell outside the published span cannot be pinned.
      let cands = candidates(layout, i, hidden, (c) => !toHide.has(c) && value[c] > 0);
      if (cands.length === 0) cands = candidates(layout, i, hidden, (c) => !toHide.has(c));
      if (cands.length === 0) continue;
      cands.sort((a, b) => (Number.isNaN(value[a]) ? 0 : value[a]) - (Number.isNaN(value[b]) ? 0 : value[b]) || a - b);
      toHide.add(cands[0]);
    }
    // Sums of hidden cells are derivable too, and one of cells that each draw on too few members can draw on
    // too few altogether (x + y, both of one member alone: the row total less its published cells). Which
    // members are not known here, only how many, so no combination of such cells alone may be derivable.
    if (derivable === 0) {
      for (const combination of fewMemberCombinations(layout, hidden, inner, value)) {
        derivable++;
        let cands: number[] = [];
        for (const i of combination) {
          cands = candidates(layout, i, hidden, (c) => !toHide.has(c) && value[c] > 0);
          if (cands.length > 0) break;
        }
        if (cands.length === 0) continue;
        cands.sort((a, b) => value[a] - value[b] || a - b);
        toHide.add(cands[0]);
      }
    }
    if (derivable === 0) return { layout, value, contributors, hidden, basis };
    if (toHide.size === 0) throw new Error('secondary suppression found no cell left to hide');
    for (const c of toHide) hidden[c] = Hidden.Secondary;
  }
  throw new Error('secondary suppression did not converge');
}

/**
 * A period's combined table served again after members reported late or revised. Whoever saw a
 * table served before can subtract it from this one, and the change, cell by cell, is then the
 * figures of the members who changed: one late member's whole table, or one member's revision. So
 * the change against every table served before (`earlier`: its values, NaN where unknown, and per
 * cell how many members' figures of it differ from now) is protected as a table of its own (DESIGN
 * rule 6): a cell changed by fewer than `minContributors` members is hidden in the new table (also
 * when the changes cancel out: +5 of one member and -5 of another tell each the other's), with what
 * it takes to keep it from being derived from the changes of the cells still published; and the new
 * table is protected again around those, until nothing needs more.
 */
export function protectRevision(
  layout: TableLayout,
  value: Float64Array,
  contributors: Int32Array,
  earlier: readonly { value: Float64Array; changedMembers: Int32Array }[],
  minContributors: number,
  hiddenBefore: Iterable<number>,
): ProtectedTable {
  // protectCombined treats a positive value drawn on too few members as primary: the size of the change counts, not its sign,
  // and a change that nets to zero between members who changed still counts as one
  const changes = earlier.map((e) => {
    const change = new Float64Array(layout.total);
    for (let i = 0; i < layout.total; i++) {
      const d = value[i] - e.value[i];
      change[i] = Number.isNaN(d) ? Number.NaN : d !== 0 ? Math.abs(d) : e.changedMembers[i] > 0 ? 1 : 0;
    }
    return { change, changedMembers: e.changedMembers };
  });
  let hide = [...hiddenBefore];
  for (let round = 0; round < 32; round++) {
    const table = protectCombined(layout, value, contributors, minContributors, hide);
    const hiddenNow: number[] = [];
    for (let i = 0; i < layout.total; i++) if (table.hidden[i] !== Hidden.No) hiddenNow.push(i);
    const more = new Set<number>();
    for (const c of changes) {
      const t = protectCombined(layout, c.change, c.changedMembers, minContributors, hiddenNow);
      for (let i = 0; i < layout.total; i++) if (t.hidden[i] !== Hidden.No && table.hidden[i] === Hidden.No) more.add(i);
    }
    if (more.size === 0) return table;
    hide = [...hiddenNow, ...more];
  }
  throw new Error('revision protection did not converge');
}

/**
 * Whether the sum of `cells` (disjoint cells of the layout) follows from what this table
 * publishes: its vector, restricted to the hidden inner cells, lies in the published span.
 */
export function isAnswerable(t: ProtectedTable, cells: readonly number[]): boolean {
  return answer(t, cells) !== null;
}

/**
 * The sum of `cells` (disjoint cells of the layout) when it follows from what this table
 * publishes, else null: its published inner cells, plus what the published margins say
 * its hidden inner cells add up to (anyone can compute it, so nothing is disclosed; a
 * filter on every code of a dimension, for instance, is its published total).
 */
export function answer(t: ProtectedTable, cells: readonly number[]): number | null {
  if (cells.length === 1 && t.hidden[cells[0]] === Hidden.No) return t.value[cells[0]];
  const v: SparseVector = new Map();
  let known = 0;
  for (const c of cells) {
    for (const s of supportOf(t.layout, c)) {
      if (t.hidden[s] !== Hidden.No) v.set(s, 1);
      else known += t.value[s];
    }
  }
  if (v.size === 0) return known;
  const hidden = t.basis.valueOf(v);
  return hidden === null ? null : known + hidden;
}
