import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Client and caller codes in capitals, held by the database too (migrations 1764400000000 and
 * 1764800000000 put the stored ones in capitals; the unique index is case-sensitive, so a process
 * writing `qa-1` beside `QA-1` would bring back the duplicate clients and the caller counted twice).
 * Codes are ASCII (RECORD_ID_PATTERN): upper() is the application's toUpperCase(). NOT VALID: rows
 * stored before are not checked again, every new row is.
 */
export class CodeCaseChecks1765300000000 implements MigrationInterface {
  name = 'CodeCaseChecks1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "clients" ADD CONSTRAINT "clients_code_upper_check" CHECK (client_code = upper(client_code)) NOT VALID`);
    await q.query(`ALTER TABLE "consultations" ADD CONSTRAINT "consultations_caller_upper_check" CHECK (caller_code IS NULL OR caller_code = upper(caller_code)) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "consultations" DROP CONSTRAINT "consultations_caller_upper_check"`);
    await q.query(`ALTER TABLE "clients" DROP CONSTRAINT "clients_code_upper_check"`);
  }
}
