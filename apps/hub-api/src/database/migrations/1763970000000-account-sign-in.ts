import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts: sign-in throttling (wrong passwords, lock) and revocation of issued tokens. */
export class AccountSignIn1763970000000 implements MigrationInterface {
  name = 'AccountSignIn1763970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD "failed_logins" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "accounts" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "accounts" ADD "token_version" integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "token_version"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "locked_until"`);
    await q.query(`ALTER TABLE "accounts" DROP COLUMN "failed_logins"`);
  }
}
