import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Membership applications stored per source (a hashed client address, or a hashed account id)
 * in a day: `applyForMembership` is open to anyone, and without a limit one address could fill
 * the coordinator's list of applicants. Its own table, because the sign-in limiter sweeps
 * sign_in_attempts with its own 15-minute window.
 */
export class ApplicationAttempts1764000000000 implements MigrationInterface {
  name = 'ApplicationAttempts1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "application_attempts" (
      "key" text NOT NULL,
      "failures" integer NOT NULL DEFAULT 0,
      "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "locked_until" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_application_attempts" PRIMARY KEY ("key")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "application_attempts"`);
  }
}
