import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password someone else set (the centre admin creating an account, resetting a forgotten
 * password, letting a leaver back in) is a temporary one: the admin knows it. Until its holder
 * sets her own, her sessions may only change it, read who she is, or sign out. Accounts that
 * exist already keep working as before (false).
 */
export class MustChangePassword1765400000000 implements MigrationInterface {
  name = 'MustChangePassword1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "staff_accounts" ADD "must_change_password" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "staff_accounts" DROP COLUMN "must_change_password"`);
  }
}
