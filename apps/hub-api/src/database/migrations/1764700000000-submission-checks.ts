import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the submission checks guarantee, held by the database too: a stored count is not negative,
 * a cell is withheld (value null) exactly when its CONF_STATUS is not F, a revision is at least 1.
 * A negative value written by hand would change the sums served and not count as a contributor.
 * NOT VALID: rows stored before are not checked again, every new row is.
 */
export class SubmissionChecks1764700000000 implements MigrationInterface {
  name = 'SubmissionChecks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submission_cells" ADD CONSTRAINT "submission_cells_value_check" CHECK (value IS NULL OR value >= 0) NOT VALID`);
    await q.query(`ALTER TABLE "submission_cells" ADD CONSTRAINT "submission_cells_withheld_check" CHECK ((value IS NULL) = (conf_status <> 'F')) NOT VALID`);
    await q.query(`ALTER TABLE "submissions" ADD CONSTRAINT "submissions_revision_check" CHECK (revision >= 1 AND cell_count >= 0) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "submissions" DROP CONSTRAINT "submissions_revision_check"`);
    await q.query(`ALTER TABLE "submission_cells" DROP CONSTRAINT "submission_cells_withheld_check"`);
    await q.query(`ALTER TABLE "submission_cells" DROP CONSTRAINT "submission_cells_value_check"`);
  }
}
