import { MigrationInterface, QueryRunner } from 'typeorm';

/** The import carries an incident's consent date (the export writes it), as the register keeps it. */
export class ImportConsentDate1764500000000 implements MigrationInterface {
  name = 'ImportConsentDate1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_staged_rows" ADD "consent_given_on" date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_staged_rows" DROP COLUMN "consent_given_on"`);
  }
}
