import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The file's header a field was read from, per field, kept at the upload: issues found at the
 * accept name the column as the upload's issues do ("Код клиента"), not the field. Header names
 * are no case data.
 */
export class ImportHeaderNames1765600000000 implements MigrationInterface {
  name = 'ImportHeaderNames1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" ADD "header_names" jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" DROP COLUMN "header_names"`);
  }
}
