/**
 * Anonymizer benchmark (not a test): `npm run bench:anonymizer`.
 * (a) counting 1,000,000 records into a 5-dimension table with all margins, against
 *     Postgres GROUP BY CUBE over the same records (embedded Postgres): each side gets one
 *     untimed warm-up and five timed runs, and the medians are compared; then the whole
 *     protection of the same records (counting, suppression and audit) in a child process;
 * (b) secondary suppression + audit time by table size;
 * (c) peak memory;
 * (d) utility: eight synthetic centres, national cells >= 20 exact (suppression) or
 *     within 10% (differential privacy) once members' releases are combined.
 * Set BENCH_SIZES to choose (b)'s sizes (default 1000,10000,50000; also 300); each
 * size runs in a child process stopped after BENCH_BUDGET_S seconds (default 180), as does
 * (a)'s whole protection (BENCH_SKIP_WHOLE=1 skips it).
 */
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { DATASETS, DatasetDecl, RecordAttribute, ReportableRecord, STANDARD, StandardIndex, TOTAL_CODE } from '@paivand/schema';
import { AtomCounter, SuppressionProgress, buildLinkGroup, fillMargins, protectRelease } from '@paivand/anonymizer';
import { startEmbeddedPostgres } from '@paivand/devdb';
import { recordsFor, syntheticDataset, syntheticStandard } from '../libs/anonymizer/test/fixtures';

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);

let seed = 42;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const skewed = (n: number): number => Math.min(n - 1, Math.floor(rnd() ** 2 * n));
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

/** The 5-dimension dataset of (a): incidents_monthly's dimensions plus the perpetrator's relationship. */
function benchDataset(): DatasetDecl {
  const base = DATASETS.find((d) => d.id === 'incidents_monthly') as DatasetDecl;
  return {
    ...base,
    id: 'bench_5d',
    dimensions: [
      ...base.dimensions,
      { id: 'perpetrator', codelist: 'perpetrator_relationship', attribute: 'perpetrator_relationship', label: base.dimensions[0].label },
    ],
  };
}

/** (a)'s 1,000,000 records (deterministic: the same in the parent and in a child), and their codes as columns for Postgres. */
function benchRecords(index: StandardIndex): { records: ReportableRecord[]; cols: Int32Array[] } {
  const lists: [RecordAttribute, string][] = [
    ['district', 'district'],
    ['violence_type', 'violence_type'],
    ['sex', 'sex'],
    ['age_band', 'age_band'],
    ['perpetrator_relationship', 'perpetrator_relationship'],
  ];
  const codes = lists.map(([, l]) => index.codes(l));
  const N = 1_000_000;
  const cols = lists.map(() => new Int32Array(N));
  const records: ReportableRecord[] = new Array<ReportableRecord>(N);
  for (let i = 0; i < N; i++) {
    const attributes: Partial<Record<RecordAttribute, string>> = {};
    lists.forEach(([a], d) => {
      const c = skewed(codes[d].length);
      cols[d][i] = c;
      attributes[a] = codes[d][c];
    });
    records[i] = { unit: 'incident', month: '2026-07', subject: `s${i}`, consentReporting: true, reportedByOtherMember: false, attributes };
  }
  return { records, cols };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Runs of each side of (a): one untimed warm-up, then this many timed runs; the median is compared. */
const RUNS = 5;

async function countingVsPostgres(): Promise<number> {
  const index = new StandardIndex(STANDARD);
  const ds = benchDataset();
  const { records, cols } = benchRecords(index);
  const N = records.length;
  const group = buildLinkGroup(index, 'incident', [ds], '2026-07', [], () => ds, 5_000_000);
  const layout = group.current[0].layout;
  const countOnce = (): Float64Array => {
    const counter = new AtomCounter(index, group);
    for (const r of records) counter.add(r);
    const ext = new Float64Array(layout.extSize);
    // single dataset, one time slice: atoms are the inner cells in the same mixed radix
    const inner = layout.sizes;
    for (let a = 0; a < counter.atoms.length; a++) {
      let rest = a;
      let e = 0;
      for (let d = inner.length - 1; d >= 0; d--) {
        e += (rest % inner[d]) * layout.extStrides[d];
        rest = Math.floor(rest / inner[d]);
      }
      ext[e] = counter.atoms[a];
    }
    fillMargins(layout, ext);
    return ext;
  };
  const counting: number[] = [];
  let ext = countOnce(); // warm-up, as Postgres gets one
  for (let run = 0; run < RUNS; run++) {
    // collect the garbage of earlier work first, so no pause of it lands in the timing
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    ext = countOnce();
    counting.push(performance.now() - t0);
  }
  const tCount = median(counting);
  console.log(
    `(a) ${N.toLocaleString()} records -> ${layout.extSize.toLocaleString()} cells (5 dimensions, all margins) in memory: median ${tCount.toFixed(0)} ms ` +
      `[${counting.map((t) => t.toFixed(0)).join(', ')}]; grand total ${ext[layout.extSize - 1]}`,
  );

  const pg = await startEmbeddedPostgres();
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    await client.query('CREATE TABLE r (d0 int, d1 int, d2 int, d3 int, d4 int)');
    const chunk = 200_000;
    for (let s = 0; s < N; s += chunk) {
      await client.query('INSERT INTO r SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[])', cols.map((c) => Array.from(c.subarray(s, s + chunk))));
    }
    await client.query('VACUUM ANALYZE r');
    const q = 'SELECT d0, d1, d2, d3, d4, count(*) FROM r GROUP BY CUBE (d0, d1, d2, d3, d4)';
    await client.query(q); // warm-up
    const cube: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run++) {
      const t1 = performance.now();
      const res = await client.query(q);
      cube.push(performance.now() - t1);
      rows = res.rowCount ?? 0;
    }
    const tPg = median(cube);
    console.log(
      `(a) Postgres GROUP BY CUBE over the same records: median ${tPg.toFixed(0)} ms [${cube.map((t) => t.toFixed(0)).join(', ')}] (${rows} rows); ` +
        `in-memory counting is ${(tPg / tCount).toFixed(1)}x faster (target >= 20x)`,
    );
    return tPg;
  } finally {
    await client.end();
    await pg.stop();
  }
}

/** (a), whole protection: counting, primary and secondary suppression and the audit of the same 1,000,000 records (in a child, within the budget). */
async function wholeProtection(): Promise<void> {
  const index = new StandardIndex(STANDARD);
  const ds = benchDataset();
  const { records } = benchRecords(index);
  const t0 = performance.now();
  const { report } = await protectRelease({ standard: index, datasets: [ds], period: '2026-07', records, maxCells: 5_000_000, onProgress: progressToParent(t0) });
  const r = report.datasets[0];
  console.log(
    `(a) whole protection of the same records (counting + primary + Gauss suppression + audit): ${(performance.now() - t0).toFixed(0)} ms; ` +
      `${r.cells.total} cells, primary ${r.cells.primary}, secondary ${r.cells.secondary}, LPs ${r.audit.linearPrograms}`,
  );
}

function suppressionBySize(target: number): Promise<void> {
  // 2-4 dimensions whose table with margins has about `target` cells; dense-ish register
  const shapes: Record<number, number[]> = { 300: [6, 6, 6], 1000: [9, 9, 9], 10000: [9, 9, 9, 9], 50000: [14, 14, 14, 14] };
  const sizes = shapes[target] ?? [9, 9, 9];
  const n = sizes.reduce((a, b) => a * b, 1);
  const counts = Array.from({ length: n }, () => (rnd() < 0.15 ? Math.floor(rnd() * 5) : 5 + Math.floor(rnd() * 60)));
  const ds = syntheticDataset('size', sizes, { structuralZeros: true });
  const standard = syntheticStandard(sizes, [ds]);
  const records = recordsFor(sizes, counts, '2026-07');
  const t0 = performance.now();
  return protectRelease({ standard, datasets: [ds], period: '2026-07', records, onProgress: progressToParent(t0) }).then(({ report }) => {
    const r = report.datasets[0];
    console.log(
      `(b) ${r.cells.total.toLocaleString()} cells: counting + primary + Gauss suppression + audit ${(performance.now() - t0).toFixed(0)} ms; primary ${r.cells.primary}, secondary ${r.cells.secondary}, LPs ${r.audit.linearPrograms}, min width ${r.audit.minIntervalWidth.toFixed(1)}`,
    );
  });
}

async function utility(): Promise<void> {
  const index = new StandardIndex(STANDARD);
  const sets = DATASETS.filter((d) => d.id === 'services_monthly' || d.id === 'hotline_monthly');
  const national = new Map<string, Map<string, { truth: number; sum: number; exact: boolean }>>();
  for (let centre = 0; centre < 8; centre++) {
    const volume = 50 + Math.floor(rnd() * 251);
    const recs: ReportableRecord[] = [];
    for (const unit of ['service', 'consultation'] as const) {
      for (let i = 0; i < volume; i++) {
        recs.push({
          unit,
          month: '2026-07',
          subject: `c${centre}-${i % Math.ceil(volume / 2)}`,
          consentReporting: true,
          reportedByOtherMember: false,
          attributes: {
            service_type: index.codes('service_type')[skewed(index.codes('service_type').length)],
            service_outcome: index.codes('service_outcome')[skewed(index.codes('service_outcome').length)],
            hotline_topic: index.codes('hotline_topic')[skewed(index.codes('hotline_topic').length)],
            caller_sex: index.codes('sex')[skewed(index.codes('sex').length)],
          },
        });
      }
    }
    const { tables } = await protectRelease({ standard: index, datasets: sets, period: '2026-07', records: recs });
    // the true count of a cell, to score against: counted from the records (a table protected with
    // k = 1 is not the truth: its 100% rule still hides the child holding all of a group of one)
    const trueCount = (d: DatasetDecl, key: readonly string[]): number =>
      recs.filter((r) => r.unit === d.unit && d.dimensions.every((dim, i) => key[i] === TOTAL_CODE || r.attributes[dim.attribute] === key[i])).length;
    tables.forEach((t, i) => {
      const m = national.get(t.datasetId) ?? new Map();
      national.set(t.datasetId, m);
      t.cells.forEach((c) => {
        const key = c.key.join('|');
        const cur = m.get(key) ?? { truth: 0, sum: 0, exact: true };
        cur.truth += trueCount(sets[i], c.key);
        cur.sum += c.value ?? 0;
        cur.exact = cur.exact && c.value !== null;
        m.set(key, cur);
      });
    });
  }
  for (const [id, m] of national) {
    const big = [...m.values()].filter((v) => v.truth >= 20);
    const dp = sets.find((d) => d.id === id)?.protection.method === 'differential_privacy';
    const good = big.filter((v) => (dp ? Math.abs(v.sum - v.truth) <= 0.1 * v.truth : v.exact)).length;
    console.log(`(d) ${id}: ${good}/${big.length} national cells with true count >= 20 come out ${dp ? 'within 10%' : 'exact'} (${((100 * good) / Math.max(1, big.length)).toFixed(0)}%)`);
  }
}

/** In a child: each audit's progress as a line for the parent, which reports the last one if the budget runs out. */
const PROGRESS = 'progress ';
function progressToParent(t0: number): (p: SuppressionProgress) => void {
  return (p) => process.stdout.write(`${PROGRESS}${(performance.now() - t0).toFixed(0)} ${JSON.stringify(p)}\n`);
}

/** (b) for one size (or (a)'s whole protection, size 0) in a child process, so a run that does not finish within the budget is reported and stopped, not waited for. */
function suppressionInChild(size: number, budgetMs: number): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...process.execArgv, __filename], { env: { ...process.env, BENCH_CHILD_SIZE: String(size) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let first = '';
    let last = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(PROGRESS)) out += `${line}\n`;
        else if (!first) first = last = line.slice(PROGRESS.length);
        else last = line.slice(PROGRESS.length);
      }
    });
    /** "after 12.3 s: round 4, 1,317 of 6,561 cells hidden, 20 still too narrow" */
    const describe = (line: string): string => {
      const at = line.indexOf(' ');
      const p = JSON.parse(line.slice(at + 1)) as SuppressionProgress;
      return `after ${(Number(line.slice(0, at)) / 1000).toFixed(1)} s: round ${p.round}, ${p.hidden.toLocaleString('en')} of ${p.cells.toLocaleString('en')} cells hidden, ${p.failing} still too narrow`;
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (out) process.stdout.write(out);
      else {
        const what = size === 0 ? '(a) whole protection of the 1,000,000 records' : `(b) ~${size} cells`;
        if (signal === 'SIGKILL') {
          console.log(`${what}: did not finish within the budget of ${(budgetMs / 1000).toFixed(0)} s (stopped)`);
          console.log(first ? `    first audit (Gauss suppression's first pattern) ${describe(first)}; last ${describe(last)}` : '    no audit reached (counting and the first Gauss pass still running)');
        }
        else console.log(`${what}: FAILED after ${(performance.now() - t0).toFixed(0)} ms (exit ${code})`);
      }
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const child = process.env.BENCH_CHILD_SIZE;
  if (child) {
    clearInterval(sampler);
    if (child === '0') await wholeProtection().catch((err: Error) => console.log(`(a) whole protection: FAILED: ${err.message}`));
    else await suppressionBySize(Number(child)).catch((err: Error) => console.log(`(b) ~${child} cells: FAILED: ${err.message}`));
    return;
  }
  const tPg = await countingVsPostgres();
  const budgetMs = Number(process.env.BENCH_BUDGET_S ?? 180) * 1000;
  console.log(`(a) whole protection must beat Postgres alone (${tPg.toFixed(0)} ms):`);
  if (process.env.BENCH_SKIP_WHOLE !== '1') await suppressionInChild(0, budgetMs);
  for (const s of (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number)) await suppressionInChild(s, budgetMs);
  await utility();
  clearInterval(sampler);
  console.log(`(c) peak memory: rss ${mb(peakRss)}, heap ${mb(peakHeap)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
