import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The survivor's age band at the incident, as the standard's ageBandOn gives it from her date of
 * birth (encrypted: the projection's SQL cannot read it) or, without one, her birth year. Computed
 * where the date of birth is open (recording, correction, import); null for rows written before,
 * which releases band by the year difference as they did. The band is a standard code, not the date.
 */
export class IncidentAgeBand1765700000000 implements MigrationInterface {
  name = 'IncidentAgeBand1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" ADD "age_band" text`);
    await q.query(`ALTER TABLE "import_staged_rows" ADD "age_band" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_staged_rows" DROP COLUMN "age_band"`);
    await q.query(`ALTER TABLE "incidents" DROP COLUMN "age_band"`);
  }
}
