import type { Highs } from 'highs';

/**
 * Which published cells to hide so that one hidden cell the audit found too narrow can move
 * far enough: the attacker's problem turned round, as in Fischetti and Salazar's cell
 * suppression model, by one linear program (no integer solver).
 *
 * From the true table x, a feasible table x + d must raise the failing cell f by `need`;
 * every published cell C must keep its sum (sum of d over C = 0), unless it is hidden, which
 * the program may do at a cost: sum of d over C = s+ - s-, with (s+ + s-) priced by the caller
 * (suppress.ts: the cell's value plus one, more for margins). Counts stay >= 0 (d >= -x). The
 * cells whose slack is used in the cheapest solution are the ones to hide: once they are,
 * x + d is a feasible table of what is still published, so f's upper end reaches at least
 * f(x) + need. Hiding them together closes the whole path the mass moves along (a donor
 * row and its total, say), where hiding one neighbour per failing cell opened new gaps each
 * round and ended hiding most of a table.
 *
 * Cells marked fixed (published by an earlier release, or determined by one) keep their sum
 * at no price; hidden cells constrain nothing. A heuristic only: the audit decides.
 */
export const HIDDEN = 0;
export const RELAXABLE = 1;
export const FIXED = 2;

/**
 * `cells[i]` are atom indexes, `state[i]` HIDDEN, RELAXABLE or FIXED, `cost[i]` the price of
 * hiding a relaxable cell; `truth` the true atom counts. Returns the cheapest cells to hide so
 * that every target (a failing cell's atoms) can rise by its `need` in one move (possibly no
 * cell: the move exists already), and the move d of the atoms; null when the solver found no
 * such table. Each call builds and solves a new model, without presolve (faster on these
 * programs: 3.4 s against 4.4 s for a centre-month's repairs). A model kept loaded for a round,
 * with the targets' rows added and removed and the solve started from the basis of the zero
 * move, was slower still (2.5 s against 1.6 s for a round).
 */
export function cheapestRelaxation(
  highs: Highs,
  truth: ArrayLike<number>,
  cells: readonly ArrayLike<number>[],
  state: Uint8Array,
  cost: ArrayLike<number>,
  targets: readonly { readonly atoms: ArrayLike<number>; readonly need: number }[],
): { hide: number[]; move: Float64Array } | null {
  const nAtoms = truth.length;
  const rowCells: number[] = [];
  for (let i = 0; i < cells.length; i++) if (state[i] !== HIDDEN && cells[i].length > 0) rowCells.push(i);
  const relaxable = rowCells.filter((i) => state[i] === RELAXABLE);
  const slackOf = new Map<number, number>();
  relaxable.forEach((c, j) => slackOf.set(c, nAtoms + 2 * j));
  const numCols = nAtoms + 2 * relaxable.length;
  const numRows = rowCells.length + targets.length;

  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(highs.infinity);
  for (let a = 0; a < nAtoms; a++) colLower[a] = -truth[a];
  relaxable.forEach((c, j) => {
    colCost[nAtoms + 2 * j] = cost[c];
    colCost[nAtoms + 2 * j + 1] = cost[c];
  });

  let nnz = 0;
  for (const t of targets) nnz += t.atoms.length;
  for (const c of rowCells) nnz += cells[c].length + (state[c] === RELAXABLE ? 2 : 0);
  const starts = new Int32Array(numRows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  let p = 0;
  rowCells.forEach((c, r) => {
    const atoms = cells[c];
    for (let k = 0; k < atoms.length; k++) {
      indices[p] = atoms[k];
      values[p++] = 1;
    }
    const s = slackOf.get(c);
    if (s !== undefined) {
      indices[p] = s;
      values[p++] = -1;
      indices[p] = s + 1;
      values[p++] = 1;
    }
    starts[r + 1] = p;
  });
  targets.forEach((t, j) => {
    const r = rowCells.length + j;
    for (let k = 0; k < t.atoms.length; k++) {
      indices[p] = t.atoms[k];
      values[p++] = 1;
    }
    starts[r + 1] = p;
    rowLower[r] = t.need;
    rowUpper[r] = highs.infinity;
  });

  const model = highs.createModel({ numCols, numRows, colCost, colLower, colUpper, rowLower, rowUpper, matrix: { format: 'csr', numRows, numCols, starts, indices, values } });
  try {
    model.options.set({ output_flag: false, presolve: 'off' });
    model.run();
    if (model.getModelStatus() !== highs.constants.modelStatus.optimal) return null;
    const x = model.getSolution().colValue;
    const hide: number[] = [];
    for (const c of relaxable) {
      const s = slackOf.get(c) as number;
      if (x[s] + x[s + 1] > 1e-7) hide.push(c);
    }
    return { hide, move: Float64Array.from(x.subarray(0, nAtoms)) };
  } finally {
    model.dispose();
  }
}
