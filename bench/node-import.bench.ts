/**
 * `npm run bench:node-import`: a register CSV imported by the member node (streamed
 * parse, column and value mapping, validation against the standard, AES-256-GCM
 * encryption of identifiable fields, staging, accept into the register) against a plain
 * Postgres `COPY` of the same file into an untyped table, and against a plain batched
 * `unnest` insert from Node. Time and peak memory at 25,000 and 100,000 rows: the import's
 * memory must stay flat as the file grows. The same rows as an XLSX workbook too, for the
 * record (no target: the workbook's shared strings are held in memory). Synthetic data only.
 */
import 'reflect-metadata';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import { iterateRegister } from '@paivand/synthetic';
import { createNodeApp } from '../apps/member-node/src/app.factory';
import { Principal } from '../apps/member-node/src/common/auth/principal';
import { loadNodeConfig } from '../apps/member-node/src/config/node-config';
import { migrateNode } from '../apps/member-node/src/database/data-source';
import { ImportsService } from '../apps/member-node/src/imports/imports.service';
import { csvLine } from '../apps/member-node/src/exports/csv-writer';

const COPY_RUNS = 3;
const SIZES = (process.env.BENCH_SIZES ?? '25000,100000').split(',').map(Number);
const HEADER = [
  'clientCode', 'sex', 'birthYear', 'district', 'maritalStatus', 'migrationStatus', 'hasDisability', 'registeredOn', 'fullName', 'phone', 'address',
  'dateOfBirth', 'clientNotes', 'incidentCode', 'incidentDate', 'reportedDate', 'incidentDistrict', 'violenceTypes', 'perpetratorRelationship',
  'consentServices', 'consentReporting', 'reportedByOtherMember', 'narrative',
];
/** Words as centres write them, so the value mapping does real work. */
const RU_VIOLENCE: Record<string, string> = {
  rape: 'изнасилование',
  sexual_assault: 'сексуальное насилие',
  physical_assault: 'физическое насилие',
  forced_marriage: 'принудительный брак',
  denial_of_resources_opportunities_or_services: 'экономическое насилие',
  psychological_emotional_abuse: 'зӯроварии равонӣ',
};
const RU_SEX: Record<string, string> = { F: 'жен', M: 'муж', U: 'не указан' };
const ruDate = (iso: string): string => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const yesNo = (b: boolean): string => (b ? 'да' : 'нет');

async function writeRegisterCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(csvLine(HEADER));
  let i = 0;
  for (const { client: c, incident: inc } of iterateRegister({ seed: 'bench', centre: { id: 'DSH', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2021-01-01', to: '2025-12-31', incidents: rows })) {
    const line = csvLine([
      c.clientCode, RU_SEX[c.sex] ?? c.sex, c.birthYear ?? null, c.district, c.maritalStatus, c.migrationStatus, yesNo(c.hasDisability), c.registeredOn,
      c.fullName ?? null, c.phone ?? null, c.address ?? null, c.dateOfBirth ?? null, c.notes ?? null, inc.incidentId,
      i % 2 === 0 ? ruDate(inc.incidentDate) : inc.incidentDate, inc.reportedDate, inc.district, inc.violenceTypes.map((t) => RU_VIOLENCE[t]).join('; '),
      inc.perpetratorRelationship, yesNo(inc.consent.services), yesNo(inc.consent.reporting), yesNo(inc.reportedByOtherMember), inc.narrative ?? null,
    ]);
    if (!out.write(line)) await once(out, 'drain');
    i++;
  }
  out.end();
  await once(out, 'finish');
}

/** The same register as an XLSX workbook, as Excel keeps one (shared strings), written by exceljs' streaming writer. */
async function writeRegisterXlsx(csvPath: string, path: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Register');
  for await (const r of createReadStream(csvPath).pipe(parse({ bom: true })) as AsyncIterable<string[]>) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * CPU time of the local Postgres (postmaster, reaped backends and live backends), in ms:
 * with other work on the machine, wall-clock ratios swing; CPU time does not. Null when
 * Postgres is not a local process.
 */
let postmaster: number | null = null;
function pgCpuMs(): number | null {
  if (postmaster === null) return null;
  const ticks = (pid: string, withChildren: boolean): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
      return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      return 0;
    }
  };
  let total = ticks(String(postmaster), true);
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += ticks(pid, false);
    } catch {
      // gone meanwhile
    }
  }
  return (total * 1000) / 100; // USER_HZ
}
const nodeCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Peak RSS above the starting point while `fn` runs, and the peak *live* heap: every
 * 2 s a full GC runs and the heap still in use is sampled (what the import retains,
 * not garbage waiting for collection). Needs `node --expose-gc`.
 */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; cpuMs: number; pgMs: number; peakRssMb: number; peakHeapMb: number }> {
  gc?.();
  const pg0 = pgCpuMs() ?? 0;
  const cpu0 = nodeCpuMs() + pg0;
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakLive = base.heapUsed;
  const rss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const live = setInterval(() => {
    gc?.();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 2000);
  const t0 = performance.now();
  try {
    const result = await fn();
    const pg1 = pgCpuMs() ?? 0;
    return { result, ms: performance.now() - t0, cpuMs: nodeCpuMs() + pg1 - cpu0, pgMs: pg1 - pg0, peakRssMb: (peakRss - base.rss) / 2 ** 20, peakHeapMb: (peakLive - base.heapUsed) / 2 ** 20 };
  } finally {
    clearInterval(rss);
    clearInterval(live);
  }
}

/**
 * A Postgres started a moment ago has never touched its shared buffers: the first statement to
 * fill them pays a page fault per page of them (about 1.4 s for the default 128 MB here, all of it
 * landing on the import's accept, the first statement to write more than a ring of buffers). A
 * server that has been running paid that long ago, so they are touched once before anything is
 * measured. The COPY baseline streams through a small ring of buffers and is not slowed by it.
 */
async function touchSharedBuffers(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE UNLOGGED TABLE bench_touch_buffers (t text)');
    // INSERT, not CREATE TABLE AS or COPY: those too write through a small ring of buffers.
    await c.query(
      `INSERT INTO bench_touch_buffers SELECT repeat('x', 1000) FROM generate_series(1, (pg_size_bytes(current_setting('shared_buffers')) / 1000 * 1.25)::int)`,
    );
    await c.query('DROP TABLE bench_touch_buffers');
  } finally {
    await c.end();
  }
}

/** A new, migrated register database on the server; returns its URL. */
async function freshRegister(serverUrl: string, database: string): Promise<string> {
  const url = withDatabase(serverUrl, database);
  await ensureDatabase(url);
  await migrateNode(url);
  return url;
}

/** The member node's import of one file into the register at `url`: upload (stream, map, validate, encrypt, stage), then accept. */
async function nodeImport(url: string, file: string, format: 'csv' | 'xlsx', bytes: number) {
  const config = loadNodeConfig({
    DATABASE_URL: url,
    CENTRE_ID: 'DSH',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    NODE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    MAX_IMPORT_BYTES: String(2 ** 31),
  });
  const app = await createNodeApp(config, url);
  try {
    const imports = app.get(ImportsService);
    const db = app.get(DataSource);
    const [{ id: userId }]: { id: string }[] = await db.query(
      `INSERT INTO staff_accounts (centre_id, username, display_name, password_hash, role) VALUES ('DSH', 'bench', 'Bench', 'x', 'caseworker') RETURNING id`,
    );
    const p: Principal = { id: userId, role: 'caseworker', centreId: 'DSH' };
    const job = await imports.create(p, { fileName: `register.${format}`, format });
    const validate = await measure(() => imports.upload(p, job.id, createReadStream(file), bytes));
    const accept = await measure(() => imports.accept(p, job.id));
    const [{ n }]: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM incidents');
    return { validate, accept, registered: n };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const pg = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => undefined } : await startEmbeddedPostgres({ persistent: false });
  await touchSharedBuffers(pg.url);
  const dir = mkdtempSync(join(tmpdir(), 'paivand-bench-'));
  // The Postgres server (another OS user) reads the file for COPY.
  chmodSync(dir, 0o755);
  const results: string[] = [];
  try {
    for (const rows of SIZES) {
      const file = join(dir, `register-${rows}.csv`);
      await writeRegisterCsv(file, rows);
      chmodSync(file, 0o644);
      const bytes = statSync(file).size;
      const database = `bench_node_${rows}_${Date.now()}`;
      const url = await freshRegister(pg.url, database);

      // 1. Plain COPY of the same file into an untyped table (server-side, no Node in the path).
      const sql = new Client({ connectionString: url });
      sql.on('error', () => undefined);
      await sql.connect();
      if (!process.env.DATABASE_URL) {
        const [{ pid }] = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      }
      // Three runs, each into a new table; the median is the baseline (one COPY swung 550-780 ms here).
      const copies: Awaited<ReturnType<typeof measure>>[] = [];
      for (let run = 0; run < COPY_RUNS; run++) {
        await sql.query(`CREATE TABLE plain_copy (${HEADER.map((h) => `"${h}" text`).join(', ')})`);
        copies.push(await measure(() => sql.query(`COPY plain_copy FROM '${file}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`)));
        await sql.query('DROP TABLE plain_copy');
      }
      const copy = [...copies].sort((a, b) => a.ms - b.ms)[Math.floor(COPY_RUNS / 2)];
      // 2. Plain Node parse + batched unnest insert of the same rows, no validation or encryption.
      await sql.query(`CREATE TABLE plain_unnest (${HEADER.map((h) => `"${h}" text`).join(', ')})`);
      const unnest = await measure(async () => {
        let batch: string[][] = [];
        const flush = async (): Promise<void> => {
          if (batch.length === 0) return;
          const cols = HEADER.map((_, i) => batch.map((r) => r[i] ?? null));
          await sql.query(`INSERT INTO plain_unnest SELECT * FROM unnest(${HEADER.map((_, i) => `$${i + 1}::text[]`).join(', ')})`, cols);
          batch = [];
        };
        for await (const r of createReadStream(file).pipe(parse({ bom: true, from_line: 2 })) as AsyncIterable<string[]>) {
          batch.push(r);
          if (batch.length === 1000) await flush();
        }
        await flush();
      });
      // The baselines' tables are scratch: dropped now, so that autovacuum does not analyse and vacuum
      // their rows while the import is measured (the CPU figures count every Postgres process).
      await sql.query('DROP TABLE plain_unnest');

      // 3. The member node's import: upload (stream, map, validate, encrypt, stage) then accept.
      const { validate, accept, registered: n } = await nodeImport(url, file, 'csv', bytes);
      // 4. The same rows as an XLSX workbook, into a register of their own: time and memory (not a target).
      const xlsxFile = join(dir, `register-${rows}.xlsx`);
      await writeRegisterXlsx(file, xlsxFile);
      const xlsxBytes = statSync(xlsxFile).size;
      const xlsx = await nodeImport(await freshRegister(pg.url, `${database}_xlsx`), xlsxFile, 'xlsx', xlsxBytes);
      rmSync(xlsxFile);
      await sql.end();
      // Nor the registers of this size while the next size is measured.
      const admin = new Client({ connectionString: pg.url });
      await admin.connect();
      for (const db of [database, `${database}_xlsx`]) await admin.query(`DROP DATABASE "${db}" WITH (FORCE)`);
      await admin.end();
      const done = accept.result;
      const total = validate.ms + accept.ms;
      const totalCpu = validate.cpuMs + accept.cpuMs;
      const cpu = (m: { cpuMs: number }): string => (postmaster === null ? '' : `   cpu ${m.cpuMs.toFixed(0).padStart(6)} ms`);
      results.push(
        [
          `rows ${rows} (${(bytes / 2 ** 20).toFixed(1)} MiB CSV): valid ${validate.result.rowsValid}, invalid ${validate.result.rowsInvalid}, duplicate ${validate.result.rowsDuplicate}, imported ${done.rowsImported} (register holds ${n})`,
          `  COPY (server-side, untyped)       ${copy.ms.toFixed(0).padStart(7)} ms${cpu(copy)}   median of [${copies.map((c) => c.ms.toFixed(0)).join(', ')}]`,
          `  Node parse + unnest insert        ${unnest.ms.toFixed(0).padStart(7)} ms   peak live heap +${unnest.peakHeapMb.toFixed(1)} MiB, rss +${unnest.peakRssMb.toFixed(1)} MiB`,
          `  node import: validate+stage       ${validate.ms.toFixed(0).padStart(7)} ms${cpu(validate)}   peak live heap +${validate.peakHeapMb.toFixed(1)} MiB, rss +${validate.peakRssMb.toFixed(1)} MiB`,
          `  node import: accept               ${accept.ms.toFixed(0).padStart(7)} ms${cpu(accept)}`,
          `  node import total                 ${total.toFixed(0).padStart(7)} ms   = ${(total / copy.ms).toFixed(1)}x COPY, ${(total / unnest.ms).toFixed(1)}x unnest insert; ${((rows / total) * 1000).toFixed(0)} rows/s (target <= 10x COPY)`,
          `  XLSX (${(xlsxBytes / 2 ** 20).toFixed(1)} MiB): validate+stage ${xlsx.validate.ms.toFixed(0).padStart(7)} ms   peak live heap +${xlsx.validate.peakHeapMb.toFixed(1)} MiB, rss +${xlsx.validate.peakRssMb.toFixed(1)} MiB; accept ${xlsx.accept.ms.toFixed(0)} ms; imported ${xlsx.accept.result.rowsImported}`,
          ...(postmaster === null
            ? []
            : [
                `  CPU time (Node + Postgres)        import ${totalCpu.toFixed(0)} ms = ${(totalCpu / copy.cpuMs).toFixed(1)}x COPY's ${copy.cpuMs.toFixed(0)} ms`,
                // Postgres's own share (staging COPY, duplicate checks, the accept's inserts, indexes and
                // foreign keys): the part no Node-side work can remove.
                `  of which Postgres                 ${(validate.pgMs + accept.pgMs).toFixed(0).padStart(7)} ms = ${((validate.pgMs + accept.pgMs) / copy.cpuMs).toFixed(1)}x COPY's CPU`,
              ]),
        ].join('\n'),
      );
      console.log(results[results.length - 1]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
