import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password the Association set (a new account, a reset) is a temporary one: the coordinator
 * knows it. Until its holder sets her own, her sessions may only change it or read who she is.
 * Accounts that exist already keep working as before (false).
 */
export class MustChangePassword1764800000000 implements MigrationInterface {
  name = 'MustChangePassword1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "must_change_password" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "must_change_password"`);
  }
}
