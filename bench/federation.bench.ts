/**
 * Federation benchmark (`npm run bench:federation`), one run on one machine (issue 7, "Must show"):
 * 1. a member node preparing the release of ONE month of a centre with 100,000 incidents that month
 *    (ReleasesService.prepare: projection in Postgres + protectRelease with suppression and the ledger audit,
 *    stored as release rows), beside a plain Postgres GROUP BY CUBE of the same counts over the same tables;
 * 2. the node's peak memory while preparing (rss and heapUsed sampled every 20 ms, peak minus baseline);
 * 3. 20 member nodes pushing one signed month of incidents_monthly each to the real hub over HTTP,
 *    all at once and one after another.
 * Everything runs on one embedded Postgres (two databases) and in this one process (node app, then hub app).
 */
import 'reflect-metadata';
import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { protectRelease } from '@paivand/anonymizer';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import {
  AGE_BAND,
  Codelist,
  contentHashOf,
  DISTRICT,
  ImportSummary,
  MARITAL_STATUS,
  MIGRATION_STATUS,
  PERPETRATOR_RELATIONSHIP,
  protectionRangeOf,
  SignedSubmission,
  signingBytes,
  STANDARD,
  StandardIndex,
  SubmissionPayload,
  TOTAL_CODE,
  VIOLENCE_TYPE,
} from '@paivand/schema';
import { generateReportableRecords } from '@paivand/synthetic';
import { AccountsService } from '../apps/hub-api/src/accounts/accounts.service';
import { createHubApp } from '../apps/hub-api/src/app.factory';
import { loadHubConfig } from '../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../apps/hub-api/src/database/data-source';
import { MembersService } from '../apps/hub-api/src/members/members.service';
import { seedHub } from '../apps/hub-api/src/seed/seed-hub';
import { StandardsService } from '../apps/hub-api/src/standards/standards.service';
import { createNodeApp } from '../apps/member-node/src/app.factory';
import { loadNodeConfig } from '../apps/member-node/src/config/node-config';
import { migrateNode } from '../apps/member-node/src/database/data-source';
import { ReleaseProjection } from '../apps/member-node/src/releases/release-projection';
import { ReleasesService } from '../apps/member-node/src/releases/releases.service';

const CENTRE = 'BENCH';
const MONTH = '2025-06';
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
/** Further preparation runs only while they fit in this (the first always runs). */
const PREP_BUDGET_MS = Number(process.env.BENCH_PREP_BUDGET_MS ?? 60_000);
const PUSH_INCIDENTS = 1_500;
const NOW = new Date(Date.UTC(2025, 7, 1));

const p50 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const mb = (x: number): string => `${(x / 1024 / 1024).toFixed(1)} MB`;
const say = (s: string): void => void process.stdout.write(`${s}\n`);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * A skewed draw from a codelist as a weighted array: code i gets weight ~ 1/(i+1)^s, so a few
 * codes are common and the tail is rare (what real registers look like). `boost` favours some codes.
 */
function weighted(list: Codelist, s: number, boost: (code: string) => number = () => 1): string[] {
  const out: string[] = [];
  list.codes.forEach((c, i) => {
    const w = Math.max(1, Math.round((200 / Math.pow(i + 1, s)) * boost(c.code)));
    for (let j = 0; j < w; j++) out.push(c.code);
  });
  return out;
}

/** `($n::text[])[random index]`: one skewed code per row. */
const pick = (param: number): string => `($${param}::text[])[1 + floor(random() * cardinality($${param}::text[]))::int]`;

/**
 * The same age band rule as the node's projection and `ageBandOf`, written as the projection writes it (a
 * `width_bucket` over the bands' first years, decoded to codes after the query): the plain query gets the same
 * cheap expression, so the comparison is of the work, not of how the band is spelled.
 */
function ageBandSql(year: string, birthYear: string): string {
  const bands = AGE_BAND.codes.filter((c) => c.min !== undefined && c.max !== undefined);
  // 0 for an unknown birth year: a null is the cube's total
  return `coalesce(width_bucket(${year} - ${birthYear}, ARRAY[${[...bands.map((c) => Number(c.min)), Number(bands[bands.length - 1].max) + 1].join(', ')}]::int[]), 0)`;
}

/** A bucket of ageBandSql as its code (null: the margin's total, as the cube gives it). */
function ageBandCode(bucket: number | null): string | null {
  if (bucket === null) return null;
  const bands = AGE_BAND.codes.filter((c) => c.min !== undefined && c.max !== undefined);
  return bucket >= 1 && bucket <= bands.length ? bands[bucket - 1].code : 'UNK';
}

/** Fills the node's register (its own tables, as migrated) with one month of synthetic incidents, in SQL. */
async function fillRegister(db: Client): Promise<void> {
  // a centre in Sughd: most clients from its region, its seat (Khujand) the most common district
  const districts = weighted(DISTRICT, 0.6, (c) => (c === 'TJ-SU-KHJ' ? 30 : c.startsWith('TJ-SU') ? 8 : c === 'UNK' ? 2 : 0.3));
  const sex = [...Array<string>(90).fill('F'), ...Array<string>(8).fill('M'), 'U', 'U'];
  // the same register in every run (random() below is seeded), so that runs compare
  await db.query('SELECT setseed(0.42)');
  await db.query(
    `INSERT INTO clients (centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability, registered_on)
     SELECT $1, 'BEN-C' || lpad(g::text, 7, '0'), ${pick(3)},
            CASE WHEN random() < 0.06 THEN NULL ELSE 2025 - (4 + floor(power(random(), 1.4) * 72))::int END,
            ${pick(4)}, ${pick(5)}, ${pick(6)}, random() < 0.04, DATE '2025-06-01' - (floor(random() * 900))::int
       FROM generate_series(1, $2) g`,
    [CENTRE, INCIDENTS, sex, districts, weighted(MARITAL_STATUS, 1.1), weighted(MIGRATION_STATUS, 1.3)],
  );
  // one incident per client, reported in the month; the incident itself up to 60 days before
  await db.query(
    `INSERT INTO incidents (centre_id, incident_code, client_id, incident_date, reported_date, district, violence_types, violence_type,
                            perpetrator_relationship, consent_services, consent_reporting, reported_by_other_member, fingerprint)
     SELECT centre_id, 'BEN-I' || substr(client_code, 6), id, rd - (floor(power(random(), 3) * 60))::int, rd, district, ARRAY[vt], vt,
            pr, true, random() < 0.85, random() < 0.02, md5(client_code)
       FROM (SELECT c.*, DATE '2025-06-01' + (floor(random() * 30))::int AS rd, ${pick(2)} AS vt, ${pick(3)} AS pr
               FROM clients c WHERE c.centre_id = $1) s`,
    [CENTRE, weighted(VIOLENCE_TYPE, 0.9, (c) => (c === 'psychological_emotional_abuse' || c === 'physical_assault' ? 3 : 1)), weighted(PERPETRATOR_RELATIONSHIP, 1.2)],
  );
  await db.query('ANALYZE clients; ANALYZE incidents');
}

const DISTRICT_CODES = DISTRICT.codes.map((c) => c.code);
const DISTRICT_REGIONS = DISTRICT.codes.map((c) => c.parent ?? 'UNK');

/** The plain query: counts of incidents_monthly's cells (region via the district codelist) with every margin, all rows fetched. */
const CUBE_SQL = `
  SELECT m.region, i.violence_type, c.sex, ${ageBandSql('extract(year from i.incident_date)::int', 'c.birth_year')} AS age_band, count(*)::int AS n
    FROM incidents i
    JOIN clients c ON c.id = i.client_id
    JOIN unnest($4::text[], $5::text[]) AS m(district, region) ON m.district = i.district
   WHERE i.centre_id = $1 AND i.reported_date >= $2 AND i.reported_date < $3 AND i.consent_reporting AND NOT i.reported_by_other_member
   GROUP BY CUBE (1, 2, 3, 4)`;

interface Member {
  memberId: string;
  clientId: string;
  clientSecret: string;
  keyId: string;
  key: KeyObject;
}

/** One month of incidents_monthly protected by the anonymizer from synthetic records (what a node's release holds). */
async function protectedMonth(std: StandardIndex, period: string): Promise<Omit<SubmissionPayload, 'contentHash' | 'memberId'>> {
  const ds = std.dataset('incidents_monthly');
  if (!ds) throw new Error('no incidents_monthly in the standard');
  const [y, mo] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
  const records = generateReportableRecords({ seed: `push-${period}`, centre: { id: 'PUSH', centreType: 'crisis_centre', region: 'TJ-SU' }, from: `${period}-01`, to: last, incidents: PUSH_INCIDENTS, salt: 'bench-salt', units: ['incident'] });
  const table = (await protectRelease({ standard: std, datasets: [ds], period, records })).tables[0];
  return {
    datasetId: ds.id,
    schemaVersion: std.version,
    period,
    revision: 1,
    dimensions: table.dimensions,
    protection: { method: table.method, k: ds.protection.k, protectionRange: protectionRangeOf(ds.protection) },
    cells: table.cells,
    preparedAt: NOW.toISOString(),
  };
}

/** The member's signed submission of that table, as the node signs it: Ed25519 over signingBytes(payload). */
function signedBy(m: Member, table: Omit<SubmissionPayload, 'contentHash' | 'memberId'>): string {
  const body: Omit<SubmissionPayload, 'contentHash'> = { memberId: m.memberId, ...table };
  const payload: SubmissionPayload = { ...body, contentHash: contentHashOf(body) };
  const signed: SignedSubmission = { keyId: m.keyId, payload, signature: sign(null, signingBytes(payload), m.key).toString('base64') };
  return JSON.stringify(signed);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const pg = await startEmbeddedPostgres({ persistent: false });
  const rows: [string, string][] = [];
  try {
    // ---------------- 1. the node: register, cube, release preparation ----------------
    const nodeUrl = withDatabase(pg.url, 'fed_bench_node');
    await ensureDatabase(nodeUrl);
    await migrateNode(nodeUrl);
    const sql = new Client({ connectionString: nodeUrl });
    await sql.connect();
    let t = performance.now();
    await fillRegister(sql);
    const [{ n: inMonth }] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE centre_id = $1 AND reported_date >= $2 AND reported_date < $3', [CENTRE, '2025-06-01', '2025-07-01'])).rows;
    say(`register: ${inMonth.toLocaleString('en')} incidents of ${CENTRE} in ${MONTH} (${INCIDENTS.toLocaleString('en')} clients), filled in ${ms(performance.now() - t)}`);

    const app = await createNodeApp(
      loadNodeConfig({ CENTRE_ID: CENTRE, JWT_SECRET: randomBytes(32).toString('hex'), NODE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`, DATABASE_URL: nodeUrl, LOG_LEVEL: 'silent', FEDERATION_JOBS: 'false' }),
      nodeUrl,
    );
    const releases = app.get(ReleasesService);
    const monthly = (await releases.datasetsFor('month')).map((d) => d.id);
    const cubeParams = [CENTRE, '2025-06-01', '2025-07-01', DISTRICT_CODES, DISTRICT_REGIONS];

    const cube: number[] = [];
    const projection: number[] = [];
    const prep: number[] = [];
    let cubeRows: { region: string | null; violence_type: string | null; sex: string | null; age_band: number | null; n: number }[] = [];
    const incDs = (await releases.datasetsFor('month')).filter((d) => d.id === 'incidents_monthly');
    const nodeDb = app.get(DataSource);
    const projector = app.get(ReleaseProjection);
    // the plain query and the node's projection alone: one warm-up, then REPS runs
    for (let r = -1; r < REPS; r++) {
      t = performance.now();
      cubeRows = (await sql.query<(typeof cubeRows)[number]>(CUBE_SQL, cubeParams)).rows;
      if (r >= 0) cube.push(performance.now() - t);
      t = performance.now();
      await nodeDb.transaction((tx) => projector.extract(tx, CENTRE, 'incident', incDs, MONTH));
      if (r >= 0) projection.push(performance.now() - t);
    }

    // the node's preparation: the first run (a cold node, as the scheduled job meets it) also samples memory every 20 ms
    // (a timer fires only when the event loop is free, so a long synchronous stretch is seen at its end; the OS max RSS
    // catches what the samples miss); further runs while they fit in PREP_BUDGET_MS. Release rows are deleted between
    // runs (nothing approved, the ledger stays empty).
    gc();
    const base = process.memoryUsage();
    const maxRssBefore = process.resourceUsage().maxRSS * 1024;
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    let samples = 0;
    const sample = (): void => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      samples++;
    };
    let timer: NodeJS.Timeout | undefined = setInterval(sample, 20);
    let payload: SubmissionPayload | undefined;
    let maxRssAfter = 0;
    while (prep.length < REPS && (prep.length === 0 || prep.reduce((x, y) => x + y, 0) + p50(prep) < PREP_BUDGET_MS)) {
      await sql.query('DELETE FROM releases WHERE period = $1', [MONTH]);
      t = performance.now();
      const res = await releases.prepare(MONTH, NOW);
      prep.push(performance.now() - t);
      if (timer) {
        sample();
        clearInterval(timer);
        timer = undefined;
        maxRssAfter = process.resourceUsage().maxRSS * 1024;
      }
      if (res.status !== 'prepared') throw new Error(`prepare returned ${res.status} ${res.errorCode ?? ''}`);
      const inc = res.releases.find((x) => x.datasetId === 'incidents_monthly');
      if (!inc?.payload) throw new Error('no incidents_monthly release');
      payload = JSON.parse(inc.payload) as SubmissionPayload;
      say(`  prepare run ${prep.length}: ${ms(prep[prep.length - 1])}`);
    }
    if (!payload) throw new Error('no payload');

    // every published cell of the release equals the plain query's count (zero when the cube has no row)
    const counts = new Map(cubeRows.map((c) => [[c.region, c.violence_type, c.sex, ageBandCode(c.age_band)].map((v) => v ?? TOTAL_CODE).join('|'), c.n]));
    const published = payload.cells.filter((c) => c.value !== null);
    const disagree = published.filter((c) => c.value !== (counts.get(c.key.join('|')) ?? 0)).length;
    const total = payload.cells.find((c) => c.key.every((k) => k === TOTAL_CODE));
    say(`release: ${payload.cells.length} cells, ${payload.cells.length - published.length} suppressed, grand total ${total?.value ?? 'suppressed'}; published cells differing from the cube: ${disagree}`);
    if (disagree > 0) throw new Error(`${disagree} published cells differ from the plain GROUP BY CUBE`);
    const memRunMs = prep[0];

    const cube50 = p50(cube);
    const prep50 = p50(prep);
    rows.push(
      [`plain GROUP BY CUBE, ${MONTH}, ${inMonth.toLocaleString('en')} incidents (${cubeRows.length} rows fetched)`, `p50 ${ms(cube50)}  [${cube.map((x) => x.toFixed(0)).join(', ')}]`],
      ['node projection alone (ReleaseProjection.extract, incident unit, in Postgres)', `p50 ${ms(p50(projection))}  [${projection.map((x) => x.toFixed(0)).join(', ')}]`],
      [`node ReleasesService.prepare(${MONTH}): ${monthly.join(' + ')}`, `p50 ${ms(prep50)}  [${prep.map((x) => x.toFixed(0)).join(', ')}]`],
      ['ratio prepare / cube (target <= 1)', `${(prep50 / cube50).toFixed(2)}x`],
      ['node peak memory while preparing (peak - baseline)', `rss +${mb(peakRss - base.rss)}, heapUsed +${mb(peakHeap - base.heapUsed)} (${samples} samples over ${ms(memRunMs)}; baseline rss ${mb(base.rss)}; OS max RSS ${maxRssAfter > maxRssBefore ? `grew to ${mb(maxRssAfter)}, +${mb(maxRssAfter - base.rss)} over baseline` : `unchanged at ${mb(maxRssAfter)}`})`],
    );
    await app.close();
    await sql.end();

    // ---------------- 3. the hub: 20 members pushing one month each ----------------
    const hubUrl = withDatabase(pg.url, 'fed_bench_hub');
    await ensureDatabase(hubUrl);
    await migrateHub(hubUrl);
    const hub = await createHubApp(loadHubConfig({ JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', DATABASE_URL: hubUrl, RATE_LIMIT_PER_MINUTE: '100000' }), hubUrl);
    await hub.listen(0, '127.0.0.1');
    const hubBase = `http://127.0.0.1:${(hub.getHttpServer() as { address(): AddressInfo }).address().port}`;
    const db = hub.get(DataSource);
    const members: Member[] = [];
    const seeded = await seedHub({ db, members: hub.get(MembersService), accounts: hub.get(AccountsService), standards: hub.get(StandardsService) });
    for (const s of seeded.members) members.push({ ...s, key: createPrivateKey(s.privateKeyPem) });
    // twelve more, admitted the way seedHub admits the founding members
    await db.transaction(async (tx) => {
      for (let i = members.length; i < 20; i++) {
        const { publicKey, privateKey } = generateKeyPairSync('ed25519');
        const r = await hub.get(MembersService).insertAdmitted(tx, { name: `Bench centre ${i + 1}`, centreType: 'crisis_centre', region: 'TJ-DU', district: null, contactEmail: `bench${i + 1}@example.test` }, publicKey.export({ type: 'spki', format: 'pem' }).toString());
        members.push({ memberId: r.member.id, clientId: r.credentials.clientId, clientSecret: r.credentials.clientSecret, keyId: r.key.keyId, key: privateKey });
      }
    });
    const std = new StandardIndex(STANDARD);
    t = performance.now();
    // one protected table per month, signed by each of the 20 members (the hub keeps each member's figures apart)
    const june = await protectedMonth(std, '2025-06');
    const may = await protectedMonth(std, '2025-05');
    const concurrentBodies = members.map((m) => signedBy(m, june));
    const sequentialBodies = members.map((m) => signedBy(m, may));
    say(`hub: ${members.length} admitted members; 2 months protected and 40 submissions signed in ${ms(performance.now() - t)} (${PUSH_INCIDENTS.toLocaleString('en')} synthetic incidents a month, ${(JSON.parse(concurrentBodies[0]) as SignedSubmission).payload.cells.length} cells, ${(concurrentBodies[0].length / 1024).toFixed(0)} KiB)`);

    const token = async (m: Member): Promise<string> => {
      const res = await fetch(`${hubBase}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: m.clientId, clientSecret: m.clientSecret }) });
      if (res.status !== 200 && res.status !== 201) throw new Error(`token: HTTP ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const submit = async (tok: string, body: string, dryRun = false): Promise<ImportSummary> => {
      const res = await fetch(`${hubBase}/api/v1/submissions${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body });
      const summary = (await res.json()) as ImportSummary;
      if (summary.status !== 'SUCCESS') throw new Error(`submission: HTTP ${res.status} ${summary.status} ${JSON.stringify(summary.conflicts ?? summary).slice(0, 300)}`);
      return summary;
    };
    t = performance.now();
    const tokens = await Promise.all(members.map(token));
    const tokenMs = performance.now() - t;
    await submit(tokens[0], concurrentBodies[0], true); // warm-up (validation, signature check), not timed

    t = performance.now();
    for (let i = 0; i < members.length; i++) await submit(tokens[i], sequentialBodies[i]);
    const seqMs = performance.now() - t;

    t = performance.now();
    const summaries = await Promise.all(members.map((_, i) => submit(tokens[i], concurrentBodies[i])));
    const concMs = performance.now() - t;
    const [{ n: stored }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM submissions WHERE period = ANY($1)`, [['2025-05', '2025-06']]);
    rows.push(
      ['20 node tokens (POST /api/v1/auth/token, concurrent, argon2 verify)', ms(tokenMs)],
      [`20 pushes one after another (${'2025-05'}, all SUCCESS)`, `${ms(seqMs)} (${ms(seqMs / 20)} each)`],
      [`20 pushes concurrently (${'2025-06'}, ${summaries.length} SUCCESS)`, `${ms(concMs)} (${(20 / (concMs / 1000)).toFixed(1)} submissions/s)`],
      ['submissions stored at the hub for 2025-05 + 2025-06', String(stored)],
    );
    await hub.close();
  } finally {
    await pg.stop();
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  say('\nfederation benchmark');
  for (const [k, v] of rows) say(`  ${k.padEnd(w)}  ${v}`);
  say(`  (whole run ${((performance.now() - t0) / 1000).toFixed(0)} s; cube and projection: ${REPS} runs after one warm-up; prepare: runs within ${PREP_BUDGET_MS / 1000} s, the first cold)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
