import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The combined tables the hub served, per (dataset, period), as the submissions they were built
 * from: a period's table is served again from those (frozen) until it may be revised, and a
 * revision is protected against the difference with the table served before.
 */
export class ServedTables1764400000000 implements MigrationInterface {
  name = 'ServedTables1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "served_tables" (
      "dataset_id" text NOT NULL,
      "period" text NOT NULL,
      "version" integer NOT NULL,
      "submission_ids" uuid array NOT NULL,
      "served_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_served_tables" PRIMARY KEY ("dataset_id", "period", "version")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "served_tables"`);
  }
}
