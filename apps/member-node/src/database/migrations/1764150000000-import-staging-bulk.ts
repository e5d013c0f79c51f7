import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Import staging for bulk loads: staged rows are a scratch copy of an upload (they can be
 * rebuilt by uploading the file again), so the table is UNLOGGED (no WAL for 100,000
 * rows written twice), and rows are loaded with COPY. Duplicates within a file are found
 * in one set-based statement after the upload, so the two unique indexes that made every
 * staged row an index probe go, and so does the foreign key to the job (a trigger per row;
 * the import service deletes a job's staged rows itself on accept, discard and failure).
 */
export class ImportStagingBulk1764150000000 implements MigrationInterface {
  name = 'ImportStagingBulk1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "import_staged_rows_fingerprint_key"`);
    await q.query(`DROP INDEX "import_staged_rows_incident_code_key"`);
    await q.query(`ALTER TABLE "import_staged_rows" DROP CONSTRAINT "FK_import_staged_rows_job"`);
    await q.query(`ALTER TABLE "import_staged_rows" SET UNLOGGED`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Staged rows are scratch, and the older schema's unique indexes and foreign key refuse what an
    // upload stages before its duplicate checks run (a file that repeats a row): the unfinished uploads
    // fail as when a crash emptied the staging (STAGING_LOST: upload the file again), and their rows go.
    await q.query(`UPDATE import_jobs SET status = 'failed', failure = 'STAGING_LOST', finished_at = now() WHERE status IN ('validating', 'validated')`);
    await q.query(`TRUNCATE import_staged_rows`);
    await q.query(`ALTER TABLE "import_staged_rows" SET LOGGED`);
    await q.query(
      `ALTER TABLE "import_staged_rows" ADD CONSTRAINT "FK_import_staged_rows_job" FOREIGN KEY ("job_id") REFERENCES "import_jobs"("id") ON DELETE CASCADE`,
    );
    await q.query(`CREATE UNIQUE INDEX "import_staged_rows_incident_code_key" ON "import_staged_rows" ("job_id", "incident_code")`);
    await q.query(`CREATE UNIQUE INDEX "import_staged_rows_fingerprint_key" ON "import_staged_rows" ("job_id", "fingerprint")`);
  }
}
