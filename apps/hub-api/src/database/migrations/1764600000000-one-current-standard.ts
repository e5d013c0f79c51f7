import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one current version of the standard, held by the database: publish() keeps it so under
 * an advisory lock, but a second current row (a manual fix, a process outside publish) would let
 * replicas serve and validate against different versions (current() takes the first row).
 */
export class OneCurrentStandard1764600000000 implements MigrationInterface {
  name = 'OneCurrentStandard1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX "standard_versions_one_current" ON "standard_versions" ("is_current") WHERE is_current`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "standard_versions_one_current"`);
  }
}
