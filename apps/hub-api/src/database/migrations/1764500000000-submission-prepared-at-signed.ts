import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `preparedAt` of a submission as it was signed: `prepared_at` (timestamptz) keeps the
 * instant but not its spelling (an offset, seconds left out, nanoseconds), and without the
 * spelling the stored row cannot give back the signed bytes, so the signature could not be
 * checked again. Rows stored before hold null (their nodes wrote `Date.toISOString()`).
 */
export class SubmissionPreparedAtSigned1764500000000 implements MigrationInterface {
  name = 'SubmissionPreparedAtSigned1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submissions" ADD "prepared_at_signed" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submissions" DROP COLUMN "prepared_at_signed"`);
  }
}
