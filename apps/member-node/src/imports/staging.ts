import { EntityManager } from 'typeorm';
import type { StagedRow } from './row-mapper';

/**
 * Batch writes of an import, one statement per batch with `unnest` over column arrays
 * (Postgres parses one plan, whatever the batch size).
 */
export async function stageRows(db: EntityManager, jobId: string, rows: readonly StagedRow[]): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const col = <K extends keyof StagedRow>(k: K): StagedRow[K][] => rows.map((r) => r[k]);
  const inserted: { row_number: number }[] = await db.query(
    `INSERT INTO import_staged_rows (job_id, row_number, client_code, sex, birth_year, client_district, marital_status, migration_status,
       has_disability, registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, client_notes_enc, incident_code,
       incident_date, reported_date, incident_district, violence_types, violence_type, perpetrator_relationship, consent_services,
       consent_reporting, reported_by_other_member, narrative_enc, fingerprint)
     SELECT $1, u.rn, u.cc, u.sex, u.by, u.cd, u.ms, u.mg, u.hd, u.ro, u.fn, u.ph, u.ad, u.dob, u.cn, u.ic, u.id, u.rd, u.idist,
            string_to_array(u.vts, ','), u.vt, u.pr, u.cs, u.cr, u.rom, u.nar, u.fp
       FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::date[],
                   $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::date[], $18::date[], $19::text[],
                   $20::text[], $21::text[], $22::text[], $23::bool[], $24::bool[], $25::bool[], $26::text[], $27::text[])
         AS u(rn, cc, sex, by, cd, ms, mg, hd, ro, fn, ph, ad, dob, cn, ic, id, rd, idist, vts, vt, pr, cs, cr, rom, nar, fp)
     ON CONFLICT DO NOTHING
     RETURNING row_number`,
    [
      jobId,
      col('rowNumber'),
      col('clientCode'),
      col('sex'),
      col('birthYear'),
      col('clientDistrict'),
      col('maritalStatus'),
      col('migrationStatus'),
      col('hasDisability'),
      col('registeredOn'),
      col('fullNameEnc'),
      col('phoneEnc'),
      col('addressEnc'),
      col('dateOfBirthEnc'),
      col('clientNotesEnc'),
      col('incidentCode'),
      col('incidentDate'),
      col('reportedDate'),
      col('incidentDistrict'),
      rows.map((r) => r.violenceTypes.join(',')),
      col('violenceType'),
      col('perpetratorRelationship'),
      col('consentServices'),
      col('consentReporting'),
      col('reportedByOtherMember'),
      col('narrativeEnc'),
      col('fingerprint'),
    ],
  );
  return new Set(inserted.map((r) => r.row_number));
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

/** Moves the staged rows of a job into the register (clients first, then incidents); returns incidents added. */
export async function promoteStagedRows(tx: EntityManager, jobId: string, centreId: string): Promise<number> {
  // Fresh statistics after a bulk staging, so the planner joins by index rather than guessing an empty table.
  await tx.query('ANALYZE import_staged_rows');
  await tx.query(
    `INSERT INTO clients (centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability,
                          registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, notes_enc, import_job_id)
     SELECT DISTINCT ON (client_code) $2, client_code, sex, birth_year, client_district, marital_status, migration_status, has_disability,
            registered_on, full_name_enc, phone_enc, address_enc, date_of_birth_enc, client_notes_enc, job_id
       FROM import_staged_rows WHERE job_id = $1
      ORDER BY client_code, row_number
     ON CONFLICT (centre_id, client_code) DO NOTHING`,
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
     ON CONFLICT DO NOTHING
     RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [jobId, centreId],
  );
  await tx.query('DELETE FROM import_staged_rows WHERE job_id = $1', [jobId]);
  return n;
}
