import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ceiling on wrong passwords from all addresses together is counted per email in
 * `sign_in_attempts`, for emails with and without an account alike (a lock only accounts could
 * reach told which emails have one); the account's own counter goes.
 */
export class SignInLockByEmail1764200000000 implements MigrationInterface {
  name = 'SignInLockByEmail1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "locked_until"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "failed_logins"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "failed_logins" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "accounts" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
  }
}
