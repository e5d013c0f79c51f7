import { DatasetDecl, StandardIndex, TOTAL_CODE } from '@paivand/schema';

/**
 * The full table of a dataset (inner cells and every margin) as one mixed-radix index:
 * per dimension its codes, then `_T` at position n.
 */
export interface TableLayout {
  readonly dims: readonly string[];
  readonly codes: readonly (readonly string[])[];
  readonly codeIndex: readonly Map<string, number>[];
  /** Codes per dimension plus one for `_T`. */
  readonly sizes: readonly number[];
  readonly strides: readonly number[];
  readonly total: number;
}

export function tableLayoutOf(std: StandardIndex, dataset: DatasetDecl): TableLayout {
  const codes = dataset.dimensions.map((d) => std.codes(d.codelist));
  const codeIndex = codes.map((cs) => {
    const m = new Map(cs.map((c, i) => [c, i] as [string, number]));
    m.set(TOTAL_CODE, cs.length);
    return m;
  });
  const sizes = codes.map((cs) => cs.length + 1);
  const strides: number[] = [];
  let total = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    strides[d] = total;
    total *= sizes[d];
  }
  return { dims: dataset.dimensions.map((d) => d.id), codes, codeIndex, sizes, strides, total };
}

export function coordsOf(L: TableLayout, idx: number): number[] {
  const out = new Array<number>(L.sizes.length);
  let rem = idx;
  for (let d = 0; d < L.sizes.length; d++) {
    out[d] = Math.floor(rem / L.strides[d]);
    rem -= out[d] * L.strides[d];
  }
  return out;
}

export function indexOf(L: TableLayout, coords: readonly number[]): number {
  let idx = 0;
  for (let d = 0; d < coords.length; d++) idx += coords[d] * L.strides[d];
  return idx;
}

export function isInner(L: TableLayout, idx: number): boolean {
  return coordsOf(L, idx).every((c, d) => c < L.sizes[d] - 1);
}

/** Inner cells under a cell (itself when inner). */
export function supportOf(L: TableLayout, idx: number): number[] {
  const c = coordsOf(L, idx);
  let out = [0];
  for (let d = 0; d < c.length; d++) {
    const n = L.sizes[d] - 1;
    const choices = c[d] === n ? Array.from({ length: n }, (_, i) => i) : [c[d]];
    const next: number[] = [];
    for (const base of out) for (const ch of choices) next.push(base + ch * L.strides[d]);
    out = next;
  }
  return out;
}
