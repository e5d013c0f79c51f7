import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organisation's name is unique among applications that are pending or decided in its favour,
 * not among refused ones: the hub has no rename or delete, so a squatter's refused application
 * under a real centre's name blocked that centre for good.
 */
export class MemberNameNotRefused1764300000000 implements MigrationInterface {
  name = 'MemberNameNotRefused1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "members_name_key"`);
    await q.query(`CREATE UNIQUE INDEX "members_name_key" ON "members" ("name") WHERE status <> 'refused'`);
  }

  /** Fails while a refused application shares its exact name with another row (rename one first). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "members_name_key"`);
    await q.query(`CREATE UNIQUE INDEX "members_name_key" ON "members" ("name")`);
  }
}
