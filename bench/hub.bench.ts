/**
 * Hub benchmark (`npm run bench:hub`), one run on one machine:
 * (a) ingest of a ~20,000-cell signed submission over HTTP vs a plain unnest insert of the same rows;
 * (b) a statistics query over 20 members x 5 years monthly through GraphQL over HTTP vs one raw SQL aggregate (p50/p95);
 * (c) requests per second for that query from a second process on loopback.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import { contentHashOf, DATASETS, SignedSubmission, signingBytes, STANDARD, StandardIndex, SubmissionCell, SubmissionPayload, TOTAL_CODE } from '@paivand/schema';
import { TokenService } from '../apps/hub-api/src/accounts/token.service';
import { createHubApp } from '../apps/hub-api/src/app.factory';
import { Principal } from '../apps/hub-api/src/common/auth/principal';
import { loadHubConfig } from '../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../apps/hub-api/src/database/data-source';
import { MembersService } from '../apps/hub-api/src/members/members.service';
import { StandardsService } from '../apps/hub-api/src/standards/standards.service';
import { SubmissionsService } from '../apps/hub-api/src/submissions/submissions.service';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number): string => `${x.toFixed(1)} ms`;

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

function signed(memberId: string, keyId: string, pk: KeyObject, datasetId: string, dims: string[], period: string, cells: SubmissionCell[]): SignedSubmission {
  const base: Omit<SubmissionPayload, 'contentHash'> = {
    memberId, datasetId, schemaVersion: '2026.99', period, revision: 1, dimensions: dims,
    protection: { method: 'suppression', k: 5, protectionRange: 5 }, cells, preparedAt: new Date().toISOString(),
  };
  const payload = { ...base, contentHash: contentHashOf(base) };
  return { payload, signature: sign(null, signingBytes(payload), pk).toString('base64'), keyId };
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({ persistent: false });
  const url = withDatabase(pg.url, 'hub_bench');
  await ensureDatabase(url);
  await migrateHub(url);
  const config = loadHubConfig({ JWT_SECRET: 'bench-'.padEnd(40, 'x'), LOG_LEVEL: 'silent', DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '10000000', MAX_BODY_BYTES: String(16 * 1024 * 1024) });
  const app = await createHubApp(config, url);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const db = app.get(DataSource);
  const system: Principal = { kind: 'user', id: 'bench', role: 'association_admin', memberId: null };

  // A bench dataset of 76 x 7 x 4 x 9 = 19,152 cells: district x violence type x sex x age band.
  const big = { ...DATASETS[0], id: 'incidents_district_monthly', dimensions: [{ ...DATASETS[0].dimensions[0], id: 'district', codelist: 'district' as const }, ...DATASETS[0].dimensions.slice(1)] };
  await app.get(StandardsService).publish(system, { ...STANDARD, version: '2026.99', datasets: [...STANDARD.datasets, big] });
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

  // (a) ingest
  const bigDims = big.dimensions.map((d) => d.id);
  const ingest: number[] = [];
  const copy: number[] = [];
  await db.query(`CREATE TABLE bench_cells (submission_id uuid NOT NULL, idx int NOT NULL, key text[] NOT NULL, value int, obs_status text NOT NULL, conf_status text NOT NULL, PRIMARY KEY (submission_id, idx))`);
  let cellCount = 0;
  for (let run = 0; run < 6; run++) {
    const cells = table(std, big.id, (k) => ((k.join('').length + run) % 3 === 0 ? 0 : 5 + (k[0].length % 7)));
    cellCount = cells.length;
    const s = signed(members[0].id, members[0].keyId, members[0].pk, big.id, bigDims, `2024-${String(run + 1).padStart(2, '0')}`, cells);
    const body = JSON.stringify(s);
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${members[0].token}` }, body });
    const summary = (await res.json()) as { status: string };
    const t1 = performance.now();
    if (summary.status !== 'SUCCESS') throw new Error(JSON.stringify(summary).slice(0, 500));
    const t2 = performance.now();
    await db.query(
      `INSERT INTO bench_cells SELECT gen_random_uuid() , i, string_to_array(k, '|'), v, o, c FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[]) AS t(i, k, v, o, c)`.replace('gen_random_uuid() ', `'${crypto.randomUUID()}'::uuid`),
      [cells.map((_, i) => i), cells.map((c) => c.key.join('|')), cells.map((c) => c.value), cells.map((c) => c.obsStatus), cells.map((c) => c.confStatus)],
    );
    const t3 = performance.now();
    if (run > 0) {
      ingest.push(t1 - t0);
      copy.push(t3 - t2);
    }
  }
  console.log(`(a) ingest of a ${cellCount}-cell submission over HTTP: p50 ${ms(pct(ingest, 50))}; plain unnest insert of the same rows: p50 ${ms(pct(copy, 50))}; ratio ${(pct(ingest, 50) / pct(copy, 50)).toFixed(2)}x (target <= 3x)`);

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
  const researcher = app.get(TokenService).issue({ kind: 'user', id: 'bench-researcher', role: 'researcher', memberId: null }).accessToken;
  const query = JSON.stringify({ query: '{ statistics(query: {datasetId: "services_monthly", from: "2020-01", to: "2024-12", groupBy: ["service_type"]}) { cells { key value obsStatus confStatus } } }' });
  const gql = async (): Promise<number> => {
    const a = performance.now();
    const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${researcher}` }, body: query });
    const j = (await r.json()) as { data?: unknown };
    if (!j.data) throw new Error(JSON.stringify(j));
    return performance.now() - a;
  };
  const cold = await gql();
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
  console.log(`(b) statistics query (20 members x 60 months, group by service type, protected combined table): GraphQL over HTTP p50 ${ms(pct(g, 50))} p95 ${ms(pct(g, 95))} (first, cold cache: ${ms(cold)}); raw SQL aggregate p50 ${ms(pct(r, 50))} p95 ${ms(pct(r, 95))}; ratio p50 ${(pct(g, 50) / pct(r, 50)).toFixed(2)}x (target <= 2x)`);

  // (c) load from a second process
  const child = `
    const [url, token, body] = process.argv.slice(1); const end = Date.now() + 5000; let n = 0, errors = 0;
    async function worker() { while (Date.now() < end) { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body }); const j = await r.json(); if (!j.data) errors++; n++; } }
    Promise.all(Array.from({ length: 16 }, worker)).then(() => console.log(JSON.stringify({ n, errors, seconds: 5 })));`;
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', child, `${base}/graphql`, researcher, query], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    p.stdout.on('data', (d: Buffer) => (buf += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(buf) : reject(new Error(`load process exited ${code}`))));
  });
  const load = JSON.parse(out) as { n: number; errors: number; seconds: number };
  console.log(`(c) load: 16 concurrent connections from a second process for ${load.seconds} s: ${(load.n / load.seconds).toFixed(0)} requests/s, ${load.errors} errors`);

  await app.close();
  await pg.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
