import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in attempts per (email typed, client address), both hashed: the lock that ten wrong
 * passwords bring falls on that pair, not on the account, so nobody can lock someone else out
 * by guessing, and an email that has no account locks the same way (the lock tells nothing).
 */
export class SignInAttempts1763990000000 implements MigrationInterface {
  name = 'SignInAttempts1763990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sign_in_attempts" (
      "key" text NOT NULL,
      "failures" integer NOT NULL DEFAULT 0,
      "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "locked_until" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_sign_in_attempts" PRIMARY KEY ("key")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sign_in_attempts"`);
  }
}
