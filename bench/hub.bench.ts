/**
 * Hub benchmark (`npm run bench:hub`), one run on one machine:
 * (a) ingest of a ~20,000-cell signed submission over HTTP vs a plain COPY FROM STDIN of the same rows
 *     into an equivalent table (same columns, same primary key), runs interleaved;
 * (b) a statistics query over 20 members x 5 years monthly through GraphQL over HTTP vs one raw SQL aggregate (p50/p95),
 *     with the first (cold) query and the first query after one new submission;
 * (c) requests per second for that query from a second process on loopback: one connection, then 16.
 * BENCH_PROFILE_DIR=dir writes a CPU profile of the hub process per phase (ingest, cold, load).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import { contentHashOf, DATASETS, SignedSubmission, signingBytes, STANDARD, StandardIndex, SubmissionCell, SubmissionPayload, TOTAL_CODE } from '@paivand/schema';
import { AccountsService } from '../apps/hub-api/src/accounts/accounts.service';
import { TokenService } from '../apps/hub-api/src/accounts/token.service';
import { createHubApp } from '../apps/hub-api/src/app.factory';
import { loadHubConfig } from '../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../apps/hub-api/src/database/data-source';
import { MembersService } from '../apps/hub-api/src/members/members.service';
import { StandardsService } from '../apps/hub-api/src/standards/standards.service';
import { SubmissionsService } from '../apps/hub-api/src/submissions/submissions.service';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number): string => `${x.toFixed(1)} ms`;

/** CPU profile of this (the hub's) process around one phase, when BENCH_PROFILE_DIR is set. */
async function profiled<T>(name: string, f: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return f();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await f();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `hub-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** COPY text format of the cell rows (what a client has to produce for COPY). */
function copyText(id: string, cells: SubmissionCell[]): string {
  const lines = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    lines[i] = `${id}\t${i}\t{${c.key.join(',')}}\t${c.value === null ? '\\N' : c.value}\t${c.obsStatus}\t${c.confStatus}\n`;
  }
  return lines.join('');
}

/** Full table (inner + margins) of a dataset from inner values. */
function table(std: StandardIndex, datasetId: string, inner: (key: string[]) => number): SubmissionCell[] {
  const ds = std.dataset(datasetId)!;
  const codes = ds.dimensions.map((d) => [...std.codes(d.codelist), TOTAL_CODE]);
  const keys: string[][] = codes.reduce<string[][]>((acc, cs) => acc.flatMap((k) => cs.map((c) => [...k, c])), [[]]);
  const innerKeys = keys.filter((k) => !k.includes(TOTAL_CODE));
  const sums = new Map<string, number>();
  for (const k of innerKeys) {
    const v = inner(k);
    for (let mask = 0; mask < 1 << k.length; mask++) {
      const m = k.map((c, d) => (mask & (1 << d) ? TOTAL_CODE : c)).join('|');
      sums.set(m, (sums.get(m) ?? 0) + v);
    }
  }
  return keys.map((k) => ({ key: k, value: sums.get(k.join('|')) ?? 0, obsStatus: 'A', confStatus: 'F' }));
}

function signed(memberId: string, keyId: string, pk: KeyObject, datasetId: string, dims: string[], period: string, cells: SubmissionCell[], revision = 1): SignedSubmission {
  const base: Omit<SubmissionPayload, 'contentHash'> = {
    memberId, datasetId, schemaVersion: '2026.99', period, revision, dimensions: dims,
    protection: { method: 'suppression', k: 5, protectionRange: 5 }, cells, preparedAt: new Date().toISOString(),
  };
  const payload = { ...base, contentHash: contentHashOf(base) };
  return { payload, signature: sign(null, signingBytes(payload), pk).toString('base64'), keyId };
}

/** A token of a real researcher account (the hub accepts tokens only of accounts it holds). */
async function researcherToken(app: Awaited<ReturnType<typeof createHubApp>>, name: string): Promise<string> {
  const account = await app.get(DataSource).transaction((tx) =>
    app.get(AccountsService).insert(tx, null, { email: `${name}@bench.example.test`, displayName: name, role: 'researcher', passwordHash: 'unused' }),
  );
  return app.get(TokenService).issue({ kind: 'user', id: account.id, role: 'researcher', memberId: null }).accessToken;
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({ persistent: false });
  const url = withDatabase(pg.url, 'hub_bench');
  await ensureDatabase(url);
  await migrateHub(url);
  // A bench dataset of 76 x 7 x 4 x 9 = 19,152 cells: district x violence type x sex x age band.
  // The synthetic tables publish zeros: the bench standard calls them structural (the hub refuses a published
  // zero of a dataset whose zeros are protected), which changes nothing the hub stores or answers. It is the
  // hub's first version, stored before the hub starts (a later version may not make protected zeros structural).
  const structural = <D extends (typeof DATASETS)[number]>(d: D): D => ({ ...d, protection: { ...d.protection, structuralZeros: true } });
  const big = structural({ ...DATASETS[0], id: 'incidents_district_monthly', dimensions: [{ ...DATASETS[0].dimensions[0], id: 'district', codelist: 'district' as const }, ...DATASETS[0].dimensions.slice(1)] });
  const benchStandard = { ...STANDARD, version: '2026.99', datasets: [...STANDARD.datasets.map((d) => (d.protection.method === 'suppression' ? structural(d) : d)), big] };
  const first = new Client({ connectionString: url });
  await first.connect();
  try {
    await first.query(`INSERT INTO standard_versions (version, document, is_current) VALUES ($1, $2::jsonb, true)`, [benchStandard.version, JSON.stringify(benchStandard)]);
  } finally {
    await first.end();
  }
  const config = loadHubConfig({ JWT_SECRET: 'bench-'.padEnd(40, 'x'), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', DATABASE_URL: url, MAX_BODY_BYTES: String(16 * 1024 * 1024) });
  const app = await createHubApp(config, url);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const db = app.get(DataSource);

  const std = await app.get(StandardsService).current();

  const members: { id: string; keyId: string; pk: KeyObject; token: string }[] = [];
  await db.transaction(async (tx) => {
    for (let i = 0; i < 20; i++) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const r = await app.get(MembersService).insertAdmitted(tx, { name: `Bench centre ${i}`, centreType: 'crisis_centre', region: 'TJ-DU', district: null, contactEmail: `b${i}@example.test` }, publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const token = app.get(TokenService).issue({ kind: 'node', id: r.credentials.clientId, role: 'member', memberId: r.member.id }).accessToken;
      members.push({ id: r.member.id, keyId: r.key.keyId, pk: privateKey, token });
    }
  });

  // (a) ingest, against the same rows written the cheapest way Postgres offers: COPY FROM STDIN into an
  // equivalent table (same columns, primary key and foreign key), parent row and cells in one transaction.
  const bigDims = big.dimensions.map((d) => d.id);
  const ingest: number[] = [];
  const copy: number[] = [];
  const unnest: number[] = [];
  await db.query(`CREATE TABLE bench_submissions (id uuid PRIMARY KEY)`);
  for (const t of ['bench_cells', 'bench_cells_unnest']) {
    await db.query(`CREATE TABLE ${t} (submission_id uuid NOT NULL REFERENCES bench_submissions (id), idx int NOT NULL, key text[] NOT NULL, value int, obs_status text NOT NULL, conf_status text NOT NULL, PRIMARY KEY (submission_id, idx))`);
  }
  const pool = (db.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
  const baseline = async (cells: SubmissionCell[], how: 'copy' | 'unnest'): Promise<number> => {
    const client = await pool.connect();
    try {
      const t0 = performance.now();
      const id = crypto.randomUUID();
      await client.query('BEGIN');
      await client.query('INSERT INTO bench_submissions (id) VALUES ($1)', [id]);
      if (how === 'copy') {
        await pipeline(Readable.from([copyText(id, cells)]), client.query(copyFrom('COPY bench_cells (submission_id, idx, key, value, obs_status, conf_status) FROM STDIN')));
      } else {
        await client.query(
          `INSERT INTO bench_cells_unnest SELECT $1, i, string_to_array(k, '|'), v, o, c FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[]) AS t(i, k, v, o, c)`,
          [id, cells.map((_, i) => i), cells.map((c) => c.key.join('|')), cells.map((c) => c.value), cells.map((c) => c.obsStatus), cells.map((c) => c.confStatus)],
        );
      }
      await client.query('COMMIT');
      return performance.now() - t0;
    } finally {
      client.release();
    }
  };
  let cellCount = 0;
  await profiled('ingest', async () => {
    for (let run = 0; run < 9; run++) {
      const cells = table(std, big.id, (k) => ((k.join('').length + run) % 3 === 0 ? 0 : 5 + (k[0].length % 7)));
      cellCount = cells.length;
      const s = signed(members[0].id, members[0].keyId, members[0].pk, big.id, bigDims, `2024-${String(run + 1).padStart(2, '0')}`, cells);
      const body = JSON.stringify(s);
      const http = async (): Promise<number> => {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${members[0].token}` }, body });
        const summary = (await res.json()) as { status: string };
        const t1 = performance.now();
        if (summary.status !== 'SUCCESS') throw new Error(JSON.stringify(summary).slice(0, 500));
        return t1 - t0;
      };
      // Alternate the order so that neither side always runs on a warmer cache.
      let h = run % 2 === 0 ? await http() : 0;
      const c = await baseline(cells, 'copy');
      const u = await baseline(cells, 'unnest');
      if (run % 2 === 1) h = await http();
      if (run > 0) {
        ingest.push(h);
        copy.push(c);
        unnest.push(u);
      }
    }
  });
  console.log(
    `(a) ingest of a ${cellCount}-cell signed submission over HTTP (verify, validate, store, audit): p50 ${ms(pct(ingest, 50))} p95 ${ms(pct(ingest, 95))}; ` +
      `COPY FROM STDIN of the same rows into an equivalent table: p50 ${ms(pct(copy, 50))}; ratio ${(pct(ingest, 50) / pct(copy, 50)).toFixed(2)}x (target <= 3x); ` +
      `for reference an unnest INSERT: p50 ${ms(pct(unnest, 50))}`,
  );

  // (b) 20 members x 60 months of services_monthly
  const svc = app.get(SubmissionsService);
  const t0 = performance.now();
  for (let y = 2020; y < 2025; y++) {
    for (let mth = 1; mth <= 12; mth++) {
      const period = `${y}-${String(mth).padStart(2, '0')}`;
      for (let i = 0; i < members.length; i++) {
        const m = members[i];
        const cells = table(std, 'services_monthly', (k) => ((k[0].length + k[1].length + i + mth) % 5 === 0 ? 0 : 5 + ((i + mth) % 9)));
        const s = signed(m.id, m.keyId, m.pk, 'services_monthly', ['service_type', 'service_outcome'], period, cells);
        const r = await svc.submit({ kind: 'node', id: 'bench', role: 'member', memberId: m.id }, s, false);
        if (r.status !== 'SUCCESS') throw new Error(JSON.stringify(r).slice(0, 300));
      }
    }
  }
  console.log(`    loaded 1,200 submissions (20 members x 60 months) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const researcher = await researcherToken(app, 'bench-researcher');
  const query = JSON.stringify({ query: '{ statistics(query: {datasetId: "services_monthly", from: "2020-01", to: "2024-12", groupBy: ["service_type"]}) { cells { key value obsStatus confStatus } } }' });
  const gql = async (): Promise<number> => {
    const a = performance.now();
    const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${researcher}` }, body: query });
    const j = (await r.json()) as { data?: unknown };
    if (!j.data) throw new Error(JSON.stringify(j));
    return performance.now() - a;
  };
  const cold = await profiled('cold', gql);
  const sql = `SELECT c.key[1] AS service_type, sum(c.value) AS value FROM submissions s JOIN submission_cells c ON c.submission_id = s.id
     WHERE s.dataset_id = 'services_monthly' AND s.period BETWEEN '2020-01' AND '2024-12' AND s.is_current AND c.key[2] = '_T' AND c.key[1] <> '_T' GROUP BY 1`;
  const g: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 40; i++) {
    g.push(await gql());
    const a = performance.now();
    await db.query(sql);
    r.push(performance.now() - a);
  }
  // One member sends a revision of one month: only that month's protected table is rebuilt.
  {
    const m = members[3];
    const cells = table(std, 'services_monthly', (k) => ((k[0].length * 3 + k[1].length) % 5 === 0 ? 0 : 6));
    const s = signed(m.id, m.keyId, m.pk, 'services_monthly', ['service_type', 'service_outcome'], '2022-06', cells, 2);
    const revised = await svc.submit({ kind: 'node', id: 'bench', role: 'member', memberId: m.id }, s, false);
    if (revised.status !== 'SUCCESS') throw new Error(JSON.stringify(revised).slice(0, 300));
  }
  const afterWrite = await gql();
  console.log(
    `(b) statistics query (20 members x 60 months, group by service type, protected combined table): GraphQL over HTTP p50 ${ms(pct(g, 50))} p95 ${ms(pct(g, 95))} ` +
      `(first, cold cache: ${ms(cold)}; first after one new submission: ${ms(afterWrite)}); raw SQL aggregate p50 ${ms(pct(r, 50))} p95 ${ms(pct(r, 95))}; ratio p50 ${(pct(g, 50) / pct(r, 50)).toFixed(2)}x (target <= 2x)`,
  );

  // (c) load from a second process, requests spread over 16 researcher accounts (a legitimate load: each
  // account stays under the hub's default rate limit, which stays on), one connection, then 16. keep-alive HTTP/1.1 from node:http:
  // the load generator's own CPU time is reported, since it shares the machine's two cores with the hub and Postgres.
  const tokens: string[] = [];
  for (let i = 0; i < 16; i++) tokens.push(await researcherToken(app, `bench-researcher-${i}`));
  const child = `
    const http = require('node:http');
    const [url, tokens, body] = [process.argv[1], process.argv[2].split(','), process.argv[3]];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 }); let sent = 0;
    const post = (token) => new Promise((resolve) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token } }, (res) => {
        let buf = ''; res.setEncoding('utf8'); res.on('data', (d) => (buf += d));
        res.on('end', () => resolve(res.statusCode === 200 && buf.startsWith('{"data"') ? 'ok' : String(res.statusCode)));
      });
      req.on('error', () => resolve('error')); req.end(body);
    });
    async function phase(connections, ms) {
      const end = Date.now() + ms; const lat = []; const statuses = {}; const cpu0 = process.cpuUsage(); const t0 = performance.now();
      await Promise.all(Array.from({ length: connections }, async () => {
        while (Date.now() < end) { const a = performance.now(); const s = await post(tokens[sent++ % tokens.length]); lat.push(performance.now() - a); statuses[s] = (statuses[s] || 0) + 1; }
      }));
      const seconds = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0); lat.sort((a, b) => a - b);
      return { connections, n: lat.length, rps: lat.length / seconds, p50: lat[Math.floor(lat.length / 2)], p95: lat[Math.floor(lat.length * 0.95)], statuses, clientCpu: (cpu.user + cpu.system) / 1e6 / seconds };
    }
    (async () => { await phase(4, 1000); const one = await phase(1, 4000); const many = await phase(16, 5000); console.log(JSON.stringify([one, many])); })();`;
  const hubCpu0 = process.cpuUsage();
  const out = await profiled(
    'load',
    () =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['-e', child, `${base}/graphql`, tokens.join(','), query], { stdio: ['ignore', 'pipe', 'inherit'] });
        let buf = '';
        p.stdout.on('data', (d: Buffer) => (buf += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(buf) : reject(new Error(`load process exited ${code}`))));
      }),
  );
  const hubCpu = process.cpuUsage(hubCpu0);
  type Phase = { connections: number; n: number; rps: number; p50: number; p95: number; statuses: Record<string, number>; clientCpu: number };
  for (const ph of JSON.parse(out) as Phase[]) {
    console.log(
      `(c) load from a second process, ${ph.connections} connection(s): ${ph.rps.toFixed(0)} requests/s, latency p50 ${ms(ph.p50)} p95 ${ms(ph.p95)}, answers ${JSON.stringify(ph.statuses)}, load generator CPU ${(ph.clientCpu * 100).toFixed(0)}% of a core`,
    );
  }
  console.log(`    hub process CPU over the whole load phase (10 s): ${((hubCpu.user + hubCpu.system) / 1e6).toFixed(1)} s`);

  await app.close();
  await pg.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
