/**
 * Test fixtures for the anonymizer: a synthetic standard with small codelists (codes
 * c0, c1, ...) on real codelist ids, datasets over 1..5 of them, records expanded from a
 * table of counts, and an independent adversary (exhaustive integer enumeration) that
 * does not share any code with the library's audit.
 */
import {
  ATTRIBUTE_CODELIST,
  Codelist,
  CodelistId,
  DatasetDecl,
  DimensionDecl,
  PeriodType,
  RecordAttribute,
  ReportableRecord,
  Standard,
  StandardIndex,
  TOTAL_CODE,
} from '@paivand/schema';
import loadHighs from 'highs';

export const DIM_POOL: readonly { attribute: RecordAttribute; codelist: CodelistId }[] = [
  { attribute: 'sex', codelist: 'sex' },
  { attribute: 'age_band', codelist: 'age_band' },
  { attribute: 'violence_type', codelist: 'violence_type' },
  { attribute: 'service_type', codelist: 'service_type' },
  { attribute: 'migration_status', codelist: 'migration_status' },
];

const labels = (s: string) => ({ tg: s, ru: s, en: s });

export function syntheticDims(sizes: readonly number[]): DimensionDecl[] {
  return sizes.map((_, i) => ({ id: `d${i}`, codelist: DIM_POOL[i].codelist, attribute: DIM_POOL[i].attribute, label: labels(`d${i}`) }));
}

export function syntheticDataset(
  id: string,
  sizes: readonly number[],
  opts: { k?: number; periodType?: PeriodType; structuralZeros?: boolean; protectionRange?: number } = {},
): DatasetDecl {
  return {
    id,
    title: labels(id),
    description: labels(id),
    unit: 'incident',
    measure: { id: 'n', label: labels('n') },
    periodType: opts.periodType ?? 'month',
    dueDays: 15,
    dimensions: syntheticDims(sizes),
    protection: {
      method: 'suppression',
      k: opts.k ?? 5,
      structuralZeros: opts.structuralZeros ?? false,
      minContributors: 1,
      protectionRange: opts.protectionRange,
    },
    public: true,
  };
}

/** A standard whose first `sizes.length` pool codelists have sizes[i] codes c0.. */
export function syntheticStandard(sizes: readonly number[], datasets: readonly DatasetDecl[] = []): StandardIndex {
  const codelists: Codelist[] = DIM_POOL.map((p, i) => ({
    id: p.codelist,
    name: labels(p.codelist),
    codes: Array.from({ length: sizes[i] ?? 2 }, (_, c) => ({ code: `c${c}`, labels: labels(`c${c}`) })),
  }));
  const standard: Standard = { version: 'test', codelists, datasets, attributes: ATTRIBUTE_CODELIST };
  return new StandardIndex(standard);
}

/** Records for a table of inner counts (row-major, dimension 0 most significant). */
export function recordsFor(sizes: readonly number[], counts: readonly number[], month: string, subjectPrefix = 's'): ReportableRecord[] {
  const out: ReportableRecord[] = [];
  counts.forEach((n, idx) => {
    const coords: number[] = [];
    let rest = idx;
    for (let d = sizes.length - 1; d >= 0; d--) {
      coords[d] = rest % sizes[d];
      rest = Math.floor(rest / sizes[d]);
    }
    const attributes: Partial<Record<RecordAttribute, string>> = {};
    coords.forEach((c, d) => (attributes[DIM_POOL[d].attribute] = `c${c}`));
    for (let i = 0; i < n; i++) {
      out.push({ unit: 'incident', month, subject: `${subjectPrefix}-${idx}-${i}`, consentReporting: true, reportedByOtherMember: false, attributes });
    }
  });
  return out;
}

/** Inner cells (0/1 index lists) a key covers, for a table over `sizes`. */
export function innerCellsOf(sizes: readonly number[], key: readonly string[]): number[] {
  let idxs = [0];
  sizes.forEach((n, d) => {
    const codes = key[d] === TOTAL_CODE ? Array.from({ length: n }, (_, c) => c) : [Number(key[d].slice(1))];
    idxs = idxs.flatMap((i) => codes.map((c) => i * n + c));
  });
  return idxs;
}

export interface Equation {
  readonly vars: readonly number[];
  readonly value: number;
}

/**
 * The adversary: exact integer bounds of sum(x[target]) over all non-negative integer
 * vectors satisfying every published equation, by exhaustive search with pruning.
 * Independent of the library (no LP, no shared code). Returns null when the search
 * would be too large.
 */
export function integerInterval(nVars: number, equations: readonly Equation[], target: readonly number[], budget = 2_000_000): [number, number] | null {
  const known = new Array<number | undefined>(nVars).fill(undefined);
  // singletons and zero-sum equations fix variables
  let changed = true;
  while (changed) {
    changed = false;
    for (const eq of equations) {
      const free = eq.vars.filter((v) => known[v] === undefined);
      const rest = eq.value - eq.vars.reduce((s, v) => s + (known[v] ?? 0), 0);
      if (free.length === 1) {
        known[free[0]] = rest;
        changed = true;
      } else if (free.length > 1 && rest === 0) {
        free.forEach((v) => (known[v] = 0));
        changed = true;
      }
    }
  }
  const free = [...new Set(equations.flatMap((e) => e.vars).concat(target))].filter((v) => known[v] === undefined).sort((a, b) => a - b);
  const ub = new Map<number, number>();
  for (const v of free) {
    let b = Infinity;
    for (const eq of equations) {
      if (!eq.vars.includes(v)) continue;
      b = Math.min(b, eq.value - eq.vars.reduce((s, w) => s + (known[w] ?? 0), 0));
    }
    ub.set(v, b);
  }
  if ([...ub.values()].some((b) => b === Infinity)) {
    const base = target.reduce((s, v) => s + (known[v] ?? 0), 0);
    return [base, Infinity];
  }
  const eqs = equations
    .map((eq) => ({ vars: eq.vars.filter((v) => known[v] === undefined), rest: eq.value - eq.vars.reduce((s, v) => s + (known[v] ?? 0), 0) }))
    .filter((eq) => eq.vars.length > 0);
  const assign = new Map<number, number>();
  let lo = Infinity;
  let hi = -Infinity;
  let steps = 0;
  const ok = (): boolean => {
    for (const eq of eqs) {
      let sum = 0;
      let open = 0;
      for (const v of eq.vars) {
        const a = assign.get(v);
        if (a === undefined) open += ub.get(v) as number;
        else sum += a;
      }
      if (sum > eq.rest || sum + open < eq.rest) return false;
    }
    return true;
  };
  const dfs = (i: number): boolean => {
    if (++steps > budget) return false;
    if (i === free.length) {
      const t = target.reduce((s, v) => s + (known[v] ?? (assign.get(v) as number)), 0);
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
      return true;
    }
    const v = free[i];
    for (let x = 0; x <= (ub.get(v) as number); x++) {
      assign.set(v, x);
      if (ok() && !dfs(i + 1)) return false;
    }
    assign.delete(v);
    return true;
  };
  if (!dfs(0)) return null;
  return [lo, hi];
}

let highs: ReturnType<typeof loadHighs> | undefined;

/**
 * The adversary by linear programming, for systems too large for the exhaustive search:
 * [min, max] of sum(x[target]) over real x >= 0 satisfying every published equation, each
 * end one LP written from scratch in CPLEX LP text for HiGHS's one-shot solver (none of the
 * audit's code: no propagation, no components, no pool). Its interval holds the integer one.
 */
export async function lpInterval(nVars: number, equations: readonly Equation[], target: readonly number[]): Promise<[number, number]> {
  highs ??= loadHighs();
  const solver = await highs;
  const body = ['Subject To', ...equations.map((eq, i) => ` r${i}: ${eq.vars.map((v) => `x${v}`).join(' + ')} = ${eq.value}`)];
  body.push('Bounds', ...Array.from({ length: nVars }, (_, v) => ` x${v} >= 0`), 'End');
  const end = (sense: 'Maximize' | 'Minimize'): number => {
    const res = solver.solve([sense, ` obj: ${target.map((v) => `x${v}`).join(' + ')}`, ...body].join('\n'), { output_flag: false });
    if (res.Status === 'Unbounded') return sense === 'Maximize' ? Infinity : -Infinity;
    if (res.Status !== 'Optimal') throw new Error(`adversary LP: ${res.Status}`);
    return res.ObjectiveValue;
  };
  return [end('Minimize'), end('Maximize')];
}
