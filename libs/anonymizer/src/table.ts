import { DatasetDecl, StandardIndex, TOTAL_CODE } from '@paivand/schema';

/**
 * A dataset's full table: every combination of codes plus a total (`_T`) on each
 * dimension. Extended index: dimension 0 most significant, each dimension's codes in
 * codelist order then `_T` last.
 */
export interface TableLayout {
  readonly dataset: DatasetDecl;
  readonly codes: readonly (readonly string[])[];
  readonly sizes: readonly number[];
  readonly extStrides: readonly number[];
  readonly extSize: number;
  readonly innerSize: number;
}

export function tableLayout(standard: StandardIndex, dataset: DatasetDecl): TableLayout {
  const codes = dataset.dimensions.map((d) => standard.codes(d.codelist));
  const sizes = codes.map((c) => c.length);
  const extStrides = new Array<number>(sizes.length);
  let s = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    extStrides[d] = s;
    s *= sizes[d] + 1;
  }
  return { dataset, codes, sizes, extStrides, extSize: s, innerSize: sizes.reduce((a, b) => a * b, 1) };
}

/** Coordinates of an extended index (`sizes[d]` stands for `_T`). */
export function extCoords(layout: TableLayout, e: number): number[] {
  return layout.sizes.map((n, d) => Math.floor(e / layout.extStrides[d]) % (n + 1));
}

export function extKey(layout: TableLayout, e: number): string[] {
  return extCoords(layout, e).map((c, d) => (c === layout.sizes[d] ? TOTAL_CODE : layout.codes[d][c]));
}

/** Extended index of a key, or -1 when a code is unknown. */
export function extIndexOf(layout: TableLayout, key: readonly string[]): number {
  if (key.length !== layout.sizes.length) return -1;
  let e = 0;
  for (let d = 0; d < key.length; d++) {
    const c = key[d] === TOTAL_CODE ? layout.sizes[d] : layout.codes[d].indexOf(key[d]);
    if (c < 0) return -1;
    e += c * layout.extStrides[d];
  }
  return e;
}

/** Number of `_T` in the cell's key. */
export function totalsIn(layout: TableLayout, e: number): number {
  let t = 0;
  layout.sizes.forEach((n, d) => {
    if (Math.floor(e / layout.extStrides[d]) % (n + 1) === n) t++;
  });
  return t;
}

/**
 * Fills every margin of an extended table whose inner cells are set: one pass per
 * dimension, each summing along that dimension over cells already holding the earlier
 * dimensions' totals, so all 2^d margin combinations come out, up to the grand total.
 */
export function fillMargins(layout: TableLayout, ext: Float64Array | Int32Array): void {
  const { sizes, extStrides, extSize } = layout;
  for (let d = 0; d < sizes.length; d++) {
    const n = sizes[d];
    const stride = extStrides[d];
    const block = stride * (n + 1);
    for (let base = 0; base < extSize; base += block) {
      for (let i = 0; i < stride; i++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += ext[base + c * stride + i];
        ext[base + n * stride + i] = s;
      }
    }
  }
}
