import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per client and incident, moved on by every correction: an edit made from what a
 * caseworker read before a colleague's (a withdrawn consent, a corrected date) names the version it
 * read and is refused (CONFLICT, STALE_VERSION) instead of silently undoing the other.
 */
export class EditVersions1765100000000 implements MigrationInterface {
  name = 'EditVersions1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "clients" ADD "version" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "incidents" ADD "version" integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "incidents" DROP COLUMN "version"`);
    await q.query(`ALTER TABLE "clients" DROP COLUMN "version"`);
  }
}
