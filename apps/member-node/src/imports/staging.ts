import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AAD } from '../crypto/encrypted-columns';
import type { KeyRing } from '../crypto/key-ring';
import type { StagedRow } from './row-mapper';

/** Columns of a staged row, in the order `StagingBuffer` writes them. */
const STAGED_COLUMNS = [
  'job_id', 'row_number', 'client_code', 'sex', 'birth_year', 'client_district', 'marital_status', 'migration_status', 'has_disability',
  'registered_on', 'full_name_enc', 'phone_enc', 'address_enc', 'date_of_birth_enc', 'client_notes_enc', 'incident_code', 'incident_date',
  'reported_date', 'incident_district', 'violence_types', 'violence_type', 'perpetrator_relationship', 'consent_services', 'consent_reporting',
  'reported_by_other_member', 'narrative_enc', 'fingerprint', 'consent_given_on', 'age_band',
] as const;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format (`\N` is NULL). */
function t(v: string | null): string {
  if (v === null) return '\\N';
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : v;
}
const b = (v: boolean): string => (v ? 't' : 'f');
/** A text[] literal; codes are codelist codes (no quotes, commas or braces), quoted anyway. */
const arr = (v: readonly string[]): string => t(`{${v.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);

/** The sealed fields of a staged row and the column each is sealed for (accepting copies the ciphertext as is). */
const SEALED_AADS = [AAD.clientFullName, AAD.clientPhone, AAD.clientAddress, AAD.clientDateOfBirth, AAD.clientNotes, AAD.incidentNarrative] as const;
const SEALED_PER_ROW = SEALED_AADS.length;

/**
 * Valid rows as COPY text format, gathered in one buffer until the next write to
 * Postgres: `add` seals the identifiable fields of a few rows in one `sealMany` call and
 * writes their lines at once (a batch of rows kept as objects and strings until the write
 * outlived the young generation of the heap; one big string handed to the COPY stream
 * cost more to encode than everything else here).
 */
export class StagingBuffer {
  private buf: Buffer;
  private at = 0;
  private readonly plain: (string | null)[] = [];
  private readonly aads: string[] = [];
  private readonly rowIds: string[] = [];
  /** Ciphertexts are `enc2:<key id>:<base64>`: only a key id could need escaping. */
  private readonly escapeSealed: boolean;

  /** `ids`: the id prefixes the accept gives this job's clients and incidents (stagedRowId): each value is sealed to its row's. */
  constructor(
    private readonly jobId: string,
    private readonly ring: KeyRing,
    private readonly ids: ImportRowIds,
    capacity = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.escapeSealed = t(ring.currentPrefix) !== ring.currentPrefix;
  }

  private sealed(v: string | null): string {
    return v === null ? '\\N' : this.escapeSealed ? t(v) : v;
  }

  add(rows: readonly StagedRow[]): void {
    const { plain, aads, rowIds } = this;
    plain.length = 0;
    aads.length = 0;
    rowIds.length = 0;
    for (const r of rows) {
      plain.push(r.fullName, r.phone, r.address, r.dateOfBirth, r.clientNotes, r.narrative);
      aads.push(...SEALED_AADS);
      const client = stagedRowId(this.ids.client, r.rowNumber);
      rowIds.push(client, client, client, client, client, stagedRowId(this.ids.incident, r.rowNumber));
    }
    const sealed = this.ring.sealMany(plain, aads, rowIds);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const e = i * SEALED_PER_ROW;
      // Codes, dates and the fingerprint are validated (codelist codes, ISO dates, hex): nothing to escape.
      const line = `${this.jobId}\t${r.rowNumber}\t${t(r.clientCode)}\t${r.sex}\t${r.birthYear === null ? '\\N' : r.birthYear}\t${r.clientDistrict}\t${r.maritalStatus}\t${
        r.migrationStatus
      }\t${b(r.hasDisability)}\t${r.registeredOn}\t${this.sealed(sealed[e])}\t${this.sealed(sealed[e + 1])}\t${this.sealed(sealed[e + 2])}\t${this.sealed(
        sealed[e + 3],
      )}\t${this.sealed(sealed[e + 4])}\t${t(r.incidentCode)}\t${r.incidentDate}\t${r.reportedDate}\t${r.incidentDistrict}\t${arr(r.violenceTypes)}\t${
        r.violenceType
      }\t${r.perpetratorRelationship}\t${b(r.consentServices)}\t${b(r.consentReporting)}\t${b(r.reportedByOtherMember)}\t${this.sealed(sealed[e + 5])}\t${
        r.fingerprint
      }\t${r.consentGivenOn ?? '\\N'}\t${r.ageBand}\n`;
      // At most three UTF-8 bytes per UTF-16 unit.
      if (this.at + line.length * 3 > this.buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + line.length * 3));
        this.buf.copy(bigger, 0, 0, this.at);
        this.buf = bigger;
      }
      this.at += this.buf.write(line, this.at);
    }
  }

  /** The lines gathered so far; the buffer starts again empty (a new one: the COPY stream may still hold the old). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.at = 0;
    return out;
  }
}

/**
 * Staged rows of one upload streamed into `import_staged_rows` with one `COPY ... FROM
 * STDIN` on a connection of its own: Postgres loads while Node parses the next rows, and
 * the rows become visible all at once when the upload ends (an aborted upload leaves none).
 */
export class StagingCopy {
  private constructor(
    private readonly runner: QueryRunner,
    private readonly stream: Writable,
    private readonly done: Promise<void>,
  ) {}

  static async open(db: DataSource): Promise<StagingCopy> {
    const runner = db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      const stream = client.query(copyFrom(`COPY import_staged_rows (${STAGED_COLUMNS.join(', ')}) FROM STDIN`));
      const done = finished(stream);
      done.catch(() => undefined); // awaited in finish/abort
      return new StagingCopy(runner, stream, done);
    } catch (err) {
      await runner.release();
      throw err;
    }
  }

  /** Writes a chunk of COPY lines; resolves when Postgres is ready for more (back-pressure). */
  async write(lines: Buffer): Promise<void> {
    if (lines.length === 0) return;
    if (!this.stream.write(lines)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  async finish(): Promise<void> {
    try {
      this.stream.end();
      await this.done;
    } finally {
      await this.runner.release();
    }
  }

  /** Rolls the COPY back (CopyFail): nothing of this upload stays staged. */
  async abort(): Promise<void> {
    this.stream.destroy(new Error('import aborted'));
    await this.done.catch(() => undefined);
    await this.runner.release();
  }
}

/** What `settleStagedRows` removed from the staged rows, by reason. */
export interface Settled {
  alreadyInRegister: number;
  incidentCodeTaken: number;
  /** Rows whose client (by code) is someone else: another sex or birth year than the register's, or the file's first row's. */
  clientMismatch: number;
  duplicateInFile: number;
}

/**
 * Two descriptions of a client that cannot be the same person: known sexes that differ, or
 * known birth years that differ (`U` and an empty year are unknown and agree with anything).
 * SQL over the aliases `a` and `b`.
 */
const CLIENTS_DISAGREE = `((a.sex <> b.sex AND a.sex <> 'U' AND b.sex <> 'U') OR a.birth_year <> b.birth_year)`;

/**
 * After an upload, set-based: staged rows whose incident the register already holds
 * (same fingerprint: a duplicate) or whose incident code it already uses (invalid), then
 * rows repeating an earlier row of the file (same fingerprint or same incident code; the
 * first one stays), leave the staging with one issue each; so do rows whose client code names
 * someone else (CLIENT_MISMATCH, see CLIENTS_DISAGREE).
 */
/**
 * Runs `deleted` (a DELETE of staged rows over $1 = job id, $2 = centre id, RETURNING their row
 * numbers) and gives each removed row one issue; returns how many.
 */
async function moveToIssues(tx: EntityManager, jobId: string, centreId: string, deleted: string, field: string, column: string, reason: string): Promise<number> {
  const [{ n }]: { n: number }[] = await tx.query(
    `WITH gone AS (${deleted}),
          issues AS (INSERT INTO import_issues (job_id, row_number, field, column_name, reason)
                     SELECT $1, row_number, $3, $4, $5 FROM gone ORDER BY row_number RETURNING 1)
     SELECT count(*)::int AS n FROM issues`,
    [jobId, centreId, field, column, reason],
  );
  return n;
}

/**
 * Staged rows whose incident the register holds already (the same fingerprint: ALREADY_IN_REGISTER) or
 * whose incident code it has given another incident (INCIDENT_CODE_TAKEN) leave with an issue each.
 * Two statements, not one with OR: each is a plain join on one unique index.
 */
async function moveRegisterTaken(
  tx: EntityManager,
  jobId: string,
  centreId: string,
  headers: { readonly clientCode: string; readonly incidentCode: string },
): Promise<{ alreadyInRegister: number; incidentCodeTaken: number }> {
  const taken = (key: 'fingerprint' | 'incident_code'): string =>
    `DELETE FROM import_staged_rows s USING incidents i WHERE s.job_id = $1 AND i.centre_id = $2 AND i.${key} = s.${key} RETURNING s.row_number`;
  const alreadyInRegister = await moveToIssues(tx, jobId, centreId, taken('fingerprint'), 'clientCode', headers.clientCode, 'ALREADY_IN_REGISTER');
  const incidentCodeTaken = await moveToIssues(tx, jobId, centreId, taken('incident_code'), 'incidentCode', headers.incidentCode, 'INCIDENT_CODE_TAKEN');
  return { alreadyInRegister, incidentCodeTaken };
}

/** A register client of the staged row's code who is someone else (CLIENTS_DISAGREE): $1 job, $2 centre. */
const REGISTER_CLIENT_MISMATCH = `DELETE FROM import_staged_rows b USING clients a
  WHERE b.job_id = $1 AND a.centre_id = $2 AND a.client_code = b.client_code AND ${CLIENTS_DISAGREE}
  RETURNING b.row_number`;

export async function settleStagedRows(tx: EntityManager, jobId: string, centreId: string, clientCodeColumn: string, incidentCodeColumn: string): Promise<Settled> {
  const moved = (deleted: string, field: string, column: string, reason: string): Promise<number> => moveToIssues(tx, jobId, centreId, deleted, field, column, reason);
  // Statistics for the joins below and the accept's, taken now rather than while the user waits for the
  // accept: how many rows the job has and how many distinct clients is what their plans turn on. A sample
  // of 3,000 rows (statistics target 10) tells that as well as the default 30,000, at a tenth of the time
  // (ANALYZE of every column at the default target took longer than the duplicate checks below).
  await tx.query(`SET LOCAL default_statistics_target = 10`);
  await tx.query('ANALYZE import_staged_rows (job_id, client_code)');
  // Sorts of a 100,000-row upload in memory, not on disk.
  await tx.query(`SET LOCAL work_mem = '64MB'`);
  // The two joins with the register as hash joins: a register analysed while it was small would
  // otherwise invite a nested loop over all of it per staged row.
  await tx.query(`SET LOCAL enable_nestloop = off`);
  const { alreadyInRegister, incidentCodeTaken } = await moveRegisterTaken(tx, jobId, centreId, { clientCode: clientCodeColumn, incidentCode: incidentCodeColumn });
  // A row naming a client the register holds, but describing someone else, would add her incident to
  // that client's record: refused, as is a row that contradicts the file's first row of its client.
  const clientMismatch =
    (await moved(REGISTER_CLIENT_MISMATCH, 'clientCode', clientCodeColumn, 'CLIENT_MISMATCH')) +
    (await moved(
      `DELETE FROM import_staged_rows b
        USING (SELECT DISTINCT ON (client_code) client_code, sex, birth_year FROM import_staged_rows WHERE job_id = $1 ORDER BY client_code, row_number) a
        WHERE b.job_id = $1 AND $2::text IS NOT NULL AND a.client_code = b.client_code AND ${CLIENTS_DISAGREE}
        RETURNING b.row_number`,
      'clientCode',
      clientCodeColumn,
      'CLIENT_MISMATCH',
    ));
  await tx.query(`SET LOCAL enable_nestloop = on`);
  const duplicateInFile = await moved(
    `DELETE FROM import_staged_rows s
      WHERE s.job_id = $1 AND $2::text IS NOT NULL AND s.row_number IN (
        SELECT row_number FROM (
          SELECT row_number,
                 row_number() OVER (PARTITION BY fingerprint COLLATE "C" ORDER BY row_number) AS nf,
                 row_number() OVER (PARTITION BY incident_code COLLATE "C" ORDER BY row_number) AS nc
            FROM import_staged_rows WHERE job_id = $1) d
         WHERE nf > 1 OR nc > 1)
      RETURNING s.row_number`,
    'clientCode',
    clientCodeColumn,
    'DUPLICATE_IN_FILE',
  );
  return { alreadyInRegister, incidentCodeTaken, clientMismatch, duplicateInFile };
}

export interface IssueRow {
  rowNumber: number;
  field: string;
  column: string;
  reason: string;
}

export async function insertIssues(db: EntityManager, jobId: string, issues: readonly IssueRow[]): Promise<void> {
  if (issues.length === 0) return;
  await db.query(
    `INSERT INTO import_issues (job_id, row_number, field, column_name, reason)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
    [jobId, issues.map((i) => i.rowNumber), issues.map((i) => i.field), issues.map((i) => i.column), issues.map((i) => i.reason)],
  );
}

/**
 * The first 24 hex digits of the ids one accept gives one table: 90 random bits, laid out
 * as a version-8 UUID (RFC 9562: an id of one's own making; rows entered by hand keep
 * random version-4 ids, so the two kinds never meet). The last 8 digits are the staged
 * row's number: the rows of an accept are inserted in file order, so the primary keys,
 * the incidents' `client_id` index and the foreign-key checks on `clients` each touch a
 * few adjacent B-tree pages instead of one random page per row, which was a quarter of
 * the accept at 100,000 rows. The ids tell nothing `import_job_id` does not already.
 */
export function importIdPrefix(): string {
  const b = randomBytes(12);
  b[6] = 0x80 | (b[6] & 0x0f); // version 8
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 24)}`;
}

/** The id prefixes (importIdPrefix) an import's accept gives its clients and incidents, chosen at the upload. */
export interface ImportRowIds {
  readonly client: string;
  readonly incident: string;
}

/** The id the accept gives the client or incident of staged row `rowNumber` (importIdPrefix; the same as promoteStagedRows' SQL). */
export function stagedRowId(prefix: string, rowNumber: number): string {
  // to_hex of a negative int4 is its two's complement, not this: the readers give row numbers from 1 (file-sources.ts)
  if (!Number.isInteger(rowNumber) || rowNumber < 1 || rowNumber > 0x7fffffff) throw new Error(`row number ${rowNumber} out of range`);
  return prefix + rowNumber.toString(16).padStart(8, '0');
}

/**
 * Moves the staged rows of a job into the register (clients first, then incidents);
 * returns incidents added. Plain set-based inserts: rows the register took meanwhile
 * (manual entry since the upload) are removed from the staging first by the same
 * anti-joins as after the upload, so no `ON CONFLICT` (a speculative insertion per row
 * into every unique index) is needed. A writer racing this transaction gets a unique
 * violation and the accept can simply be retried.
 */
export async function promoteStagedRows(
  tx: EntityManager,
  jobId: string,
  centreId: string,
  headers: { readonly clientCode: string; readonly incidentCode: string },
  ids: ImportRowIds = { client: importIdPrefix(), incident: importIdPrefix() },
): Promise<{ imported: number; clientMismatch: number; alreadyInRegister: number; incidentCodeTaken: number }> {
  // Hash tables of a 100,000-row staging in memory, not on disk. No nested loops: every statement
  // here handles all of a job's rows at once, and a nested loop chosen on a stale estimate (a
  // register that looked empty when last analysed) scans the inner table once per staged row.
  await tx.query(`SET LOCAL work_mem = '64MB'`);
  await tx.query(`SET LOCAL enable_nestloop = off`);
  // rows the register took since the upload leave with an issue each, as at the upload: the user sees why they were not imported
  const { alreadyInRegister, incidentCodeTaken } = await moveRegisterTaken(tx, jobId, centreId, headers);
  // A client entered by hand since the upload under a code of the file, describing someone else: the
  // rows of that code would put her incidents on that person's record. They leave with an issue each,
  // as at the upload (CLIENT_MISMATCH), and the rest is imported.
  const clientMismatch = await moveToIssues(tx, jobId, centreId, REGISTER_CLIENT_MISMATCH, 'clientCode', headers.clientCode, 'CLIENT_MISMATCH');
  // A client new to the register comes from its first row in the file. The first rows are found
  // on the narrow (code, row number) pairs, grouped in a hash table that is complete before the
  // first insert (so the anti-join never reads the rows this statement adds); the wide rows are
  // read once, in file order, so the ids ascend. A row number is an int4: at most 8 hex digits.
  await tx.query(
    `INSERT INTO clients (id, centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability,
                          registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, notes_enc, import_job_id)
     SELECT ($3 || lpad(to_hex(s.row_number), 8, '0'))::uuid, $2, s.client_code, s.sex, s.birth_year, s.client_district, s.marital_status,
            s.migration_status, s.has_disability, s.registered_on, s.full_name_enc, s.phone_enc, s.address_enc, s.date_of_birth_enc,
            s.client_notes_enc, s.job_id
       FROM import_staged_rows s
      WHERE s.job_id = $1 AND s.row_number IN (
              SELECT min(e.row_number) FROM import_staged_rows e
               WHERE e.job_id = $1 AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.centre_id = $2 AND c.client_code = e.client_code)
               GROUP BY e.client_code)`,
    [jobId, centreId, ids.client],
  );
  const inserted = await tx.queryRunner!.query(
    `INSERT INTO incidents (id, centre_id, incident_code, client_id, incident_date, reported_date, district, violence_types, violence_type,
                            perpetrator_relationship, consent_services, consent_reporting, consent_given_on, reported_by_other_member, narrative_enc,
                            fingerprint, import_job_id, age_band)
     SELECT ($3 || lpad(to_hex(s.row_number), 8, '0'))::uuid, $2, s.incident_code, c.id, s.incident_date, s.reported_date, s.incident_district, s.violence_types, s.violence_type,
            s.perpetrator_relationship, s.consent_services, s.consent_reporting, s.consent_given_on, s.reported_by_other_member, s.narrative_enc,
            s.fingerprint, s.job_id, s.age_band
       FROM import_staged_rows s JOIN clients c ON c.centre_id = $2 AND c.client_code = s.client_code
      WHERE s.job_id = $1`,
    [jobId, centreId, ids.incident],
    true,
  );
  await clearStagedRows(tx, jobId);
  return { imported: inserted.affected ?? 0, clientMismatch, alreadyInRegister, incidentCodeTaken };
}

/**
 * Removes a job's staged rows; when they are the only staged rows and nobody else is using the
 * table this instant (no upload, accept or vacuum holds a lock on it), by TRUNCATE: a new empty
 * file instead of deleting 100,000 rows one by one and leaving them to vacuum. The lock is taken
 * without waiting, in a savepoint, so a busy table costs nothing but the DELETE it would have had.
 */
async function clearStagedRows(tx: EntityManager, jobId: string): Promise<void> {
  await tx.query('SAVEPOINT clear_staging');
  try {
    await tx.query('LOCK TABLE import_staged_rows IN ACCESS EXCLUSIVE MODE NOWAIT');
    const others: unknown[] = await tx.query(
      `(SELECT 1 FROM import_staged_rows WHERE job_id < $1 LIMIT 1) UNION ALL (SELECT 1 FROM import_staged_rows WHERE job_id > $1 LIMIT 1)`,
      [jobId],
    );
    if (others.length === 0) {
      await tx.query('TRUNCATE import_staged_rows');
      await tx.query('RELEASE SAVEPOINT clear_staging');
      return;
    }
  } catch (err) {
    // lock_not_available: the table is in use, delete instead.
    if ((err as { code?: unknown }).code !== '55P03') throw err;
  }
  await tx.query('ROLLBACK TO SAVEPOINT clear_staging');
  await tx.query('DELETE FROM import_staged_rows WHERE job_id = $1', [jobId]);
}
