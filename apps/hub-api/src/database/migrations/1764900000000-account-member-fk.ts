import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member account's organisation is a member the hub knows: accounts.member_id was checked by
 * the service only (createAccount), not by the database. NOT VALID, then validated in its own
 * statement: the check of the rows there already takes no lock that stops sign-ins.
 */
export class AccountMemberFk1764900000000 implements MigrationInterface {
  name = 'AccountMemberFk1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" ADD CONSTRAINT "FK_accounts_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") NOT VALID`);
    await q.query(`ALTER TABLE "accounts" VALIDATE CONSTRAINT "FK_accounts_member"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "accounts" DROP CONSTRAINT "FK_accounts_member"`);
  }
}
