import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { StagedRow } from './row-mapper';

/** Columns of a staged row, in the order `copyLine` writes them. */
const STAGED_COLUMNS = [
  'job_id', 'row_number', 'client_code', 'sex', 'birth_year', 'client_district', 'marital_status', 'migration_status', 'has_disability',
  'registered_on', 'full_name_enc', 'phone_enc', 'address_enc', 'date_of_birth_enc', 'client_notes_enc', 'incident_code', 'incident_date',
  'reported_date', 'incident_district', 'violence_types', 'violence_type', 'perpetrator_relationship', 'consent_services', 'consent_reporting',
  'reported_by_other_member', 'narrative_enc', 'fingerprint',
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

/** One staged row as a line of COPY text format. */
export function copyLine(jobId: string, r: StagedRow): string {
  return `${jobId}\t${r.rowNumber}\t${t(r.clientCode)}\t${t(r.sex)}\t${r.birthYear === null ? '\\N' : r.birthYear}\t${t(r.clientDistrict)}\t${t(r.maritalStatus)}\t${t(
    r.migrationStatus,
  )}\t${b(r.hasDisability)}\t${t(r.registeredOn)}\t${t(r.fullNameEnc)}\t${t(r.phoneEnc)}\t${t(r.addressEnc)}\t${t(r.dateOfBirthEnc)}\t${t(
    r.clientNotesEnc,
  )}\t${t(r.incidentCode)}\t${t(r.incidentDate)}\t${t(r.reportedDate)}\t${t(r.incidentDistrict)}\t${arr(r.violenceTypes)}\t${t(r.violenceType)}\t${t(
    r.perpetratorRelationship,
  )}\t${b(r.consentServices)}\t${b(r.consentReporting)}\t${b(r.reportedByOtherMember)}\t${t(r.narrativeEnc)}\t${t(r.fingerprint)}\n`;
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
  async write(lines: string): Promise<void> {
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
  duplicateInFile: number;
}

/**
 * After an upload, set-based: staged rows whose incident the register already holds
 * (same fingerprint: a duplicate) or whose incident code it already uses (invalid), then
 * rows repeating an earlier row of the file (same fingerprint or same incident code; the
 * first one stays), leave the staging with one issue each.
 */
export async function settleStagedRows(tx: EntityManager, jobId: string, centreId: string, clientCodeColumn: string, incidentCodeColumn: string): Promise<Settled> {
  const moved = async (deleted: string, field: string, column: string, reason: string): Promise<number> => {
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH gone AS (${deleted}),
            issues AS (INSERT INTO import_issues (job_id, row_number, field, column_name, reason)
                       SELECT $1, row_number, $3, $4, $5 FROM gone ORDER BY row_number RETURNING 1)
       SELECT count(*)::int AS n FROM issues`,
      [jobId, centreId, field, column, reason],
    );
    return n;
  };
  // Sorts of a 100,000-row upload in memory, not on disk.
  await tx.query(`SET LOCAL work_mem = '64MB'`);
  const alreadyInRegister = await moved(
    `DELETE FROM import_staged_rows s USING incidents i WHERE s.job_id = $1 AND i.centre_id = $2 AND i.fingerprint = s.fingerprint RETURNING s.row_number`,
    'clientCode',
    clientCodeColumn,
    'ALREADY_IN_REGISTER',
  );
  const incidentCodeTaken = await moved(
    `DELETE FROM import_staged_rows s USING incidents i WHERE s.job_id = $1 AND i.centre_id = $2 AND i.incident_code = s.incident_code RETURNING s.row_number`,
    'incidentCode',
    incidentCodeColumn,
    'INCIDENT_CODE_TAKEN',
  );
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
  // Statistics for the accept's joins, taken now rather than while the user waits for the accept.
  await tx.query('ANALYZE import_staged_rows');
  return { alreadyInRegister, incidentCodeTaken, duplicateInFile };
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
 * Moves the staged rows of a job into the register (clients first, then incidents);
 * returns incidents added. Plain set-based inserts: rows the register took meanwhile
 * (manual entry since the upload) are removed from the staging first by the same
 * anti-joins as after the upload, so no `ON CONFLICT` (a speculative insertion per row
 * into every unique index) is needed. A writer racing this transaction gets a unique
 * violation and the accept can simply be retried.
 */
export async function promoteStagedRows(tx: EntityManager, jobId: string, centreId: string): Promise<number> {
  // The DISTINCT ON sort of a 100,000-row staging in memory, not on disk; byte order (equality is the same).
  await tx.query(`SET LOCAL work_mem = '64MB'`);
  // Two statements, not one with OR: each is a plain join on one unique index.
  for (const key of ['fingerprint', 'incident_code']) {
    await tx.query(`DELETE FROM import_staged_rows s USING incidents i WHERE s.job_id = $1 AND i.centre_id = $2 AND i.${key} = s.${key}`, [jobId, centreId]);
  }
  await tx.query(
    `INSERT INTO clients (centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability,
                          registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, notes_enc, import_job_id)
     SELECT DISTINCT ON (client_code COLLATE "C") $2, client_code, sex, birth_year, client_district, marital_status, migration_status, has_disability,
            registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, client_notes_enc, job_id
       FROM import_staged_rows s
      WHERE job_id = $1 AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.centre_id = $2 AND c.client_code = s.client_code)
      ORDER BY client_code COLLATE "C", row_number`,
    [jobId, centreId],
  );
  const [{ n }]: { n: number }[] = await tx.query(
    `WITH ins AS (INSERT INTO incidents (centre_id, incident_code, client_id, incident_date, reported_date, district, violence_types, violence_type,
                            perpetrator_relationship, consent_services, consent_reporting, reported_by_other_member, narrative_enc,
                            fingerprint, import_job_id)
     SELECT $2, s.incident_code, c.id, s.incident_date, s.reported_date, s.incident_district, s.violence_types, s.violence_type,
            s.perpetrator_relationship, s.consent_services, s.consent_reporting, s.reported_by_other_member, s.narrative_enc,
            s.fingerprint, s.job_id
       FROM import_staged_rows s JOIN clients c ON c.centre_id = $2 AND c.client_code = s.client_code
      WHERE s.job_id = $1
     RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [jobId, centreId],
  );
  await tx.query('DELETE FROM import_staged_rows WHERE job_id = $1', [jobId]);
  return n;
}
