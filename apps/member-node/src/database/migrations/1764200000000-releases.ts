import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Releases (one row per dataset table and revision, with the exact payload bytes), the
 * outbox the pusher drains, and the standard pulled from the hub.
 */
export class Releases1764200000000 implements MigrationInterface {
  name = 'Releases1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "releases" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "batch_id" uuid NOT NULL,
      "dataset_id" text NOT NULL,
      "period" text NOT NULL,
      "period_type" text NOT NULL,
      "revision" integer NOT NULL,
      "status" text NOT NULL,
      "schema_version" text NOT NULL,
      "payload" text,
      "content_hash" text,
      "input_fingerprint" text NOT NULL,
      "report" jsonb,
      "error_code" text,
      "error_message" text,
      "ledger_seq" bigint NOT NULL DEFAULT 0,
      "in_ledger_seq" bigint,
      "prepared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "decided_at" TIMESTAMP WITH TIME ZONE,
      "decided_by" text,
      "hold_reason" text,
      CONSTRAINT "PK_releases" PRIMARY KEY ("id"),
      CONSTRAINT "releases_status_check" CHECK (status IN ('prepared','held','approved','pushed','refused','blocked','superseded','stale'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "releases_live_revision_key" ON "releases" ("dataset_id", "period", "revision") WHERE status IN ('prepared','held','approved','pushed','refused')`);
    await q.query(`CREATE INDEX "releases_period_idx" ON "releases" ("period_type", "period")`);
    await q.query(`CREATE SEQUENCE "release_ledger_seq"`);

    await q.query(`CREATE TABLE "release_outbox" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "release_id" uuid NOT NULL,
      "dataset_id" text NOT NULL,
      "period" text NOT NULL,
      "revision" integer NOT NULL,
      "body" text NOT NULL,
      "status" text NOT NULL DEFAULT 'pending',
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_error" text,
      "summary" jsonb,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "delivered_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_release_outbox" PRIMARY KEY ("id"),
      CONSTRAINT "FK_release_outbox_release" FOREIGN KEY ("release_id") REFERENCES "releases"("id"),
      CONSTRAINT "release_outbox_status_check" CHECK (status IN ('pending','delivered','refused','failed'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "release_outbox_release_key" ON "release_outbox" ("release_id")`);
    await q.query(`CREATE INDEX "release_outbox_due_idx" ON "release_outbox" ("next_attempt_at") WHERE status = 'pending'`);

    await q.query(`CREATE TABLE "node_standards" (
      "version" text NOT NULL,
      "document" jsonb NOT NULL,
      "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_node_standards" PRIMARY KEY ("version")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "node_standards"`);
    await q.query(`DROP TABLE "release_outbox"`);
    await q.query(`DROP SEQUENCE "release_ledger_seq"`);
    await q.query(`DROP TABLE "releases"`);
  }
}
