import { MigrationInterface, QueryRunner } from 'typeorm';

export class MembersStandardsSubmissions1763910000000 implements MigrationInterface {
  name = 'MembersStandardsSubmissions1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "members" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" text NOT NULL,
      "centre_type" text NOT NULL,
      "region" text NOT NULL,
      "district" text,
      "contact_email" text NOT NULL,
      "status" text NOT NULL,
      "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "decided_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_members" PRIMARY KEY ("id"),
      CONSTRAINT "members_status_check" CHECK (status IN ('applied','admitted','refused','suspended'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "members_name_key" ON "members" ("name")`);
    await q.query(`CREATE TABLE "member_credentials" (
      "client_id" text NOT NULL,
      "member_id" uuid NOT NULL,
      "secret_hash" text NOT NULL,
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_member_credentials" PRIMARY KEY ("client_id")
    )`);
    await q.query(`CREATE INDEX "member_credentials_member_idx" ON "member_credentials" ("member_id")`);
    await q.query(`ALTER TABLE "member_credentials" ADD CONSTRAINT "FK_member_credentials_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`CREATE TABLE "member_keys" (
      "key_id" text NOT NULL,
      "member_id" uuid NOT NULL,
      "public_key" text NOT NULL,
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_member_keys" PRIMARY KEY ("key_id")
    )`);
    await q.query(`CREATE INDEX "member_keys_member_idx" ON "member_keys" ("member_id")`);
    await q.query(`ALTER TABLE "member_keys" ADD CONSTRAINT "FK_member_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`CREATE TABLE "standard_versions" (
      "version" text NOT NULL,
      "document" jsonb NOT NULL,
      "is_current" boolean NOT NULL DEFAULT false,
      "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_standard_versions" PRIMARY KEY ("version")
    )`);
    await q.query(`CREATE TABLE "submissions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "member_id" uuid NOT NULL,
      "dataset_id" text NOT NULL,
      "period" text NOT NULL,
      "revision" integer NOT NULL,
      "schema_version" text NOT NULL,
      "content_hash" text NOT NULL,
      "key_id" text NOT NULL,
      "signature" text NOT NULL,
      "protection" jsonb NOT NULL,
      "prepared_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "is_current" boolean NOT NULL DEFAULT true,
      "cell_count" integer NOT NULL,
      CONSTRAINT "PK_submissions" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE UNIQUE INDEX "submissions_revision_key" ON "submissions" ("member_id", "dataset_id", "period", "revision")`);
    await q.query(`CREATE INDEX "submissions_dataset_period_idx" ON "submissions" ("dataset_id", "period")`);
    await q.query(`ALTER TABLE "submissions" ADD CONSTRAINT "FK_submissions_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    // At most one current revision per (member, dataset, period): the key of the design.
    await q.query(`CREATE UNIQUE INDEX "submissions_current_key" ON "submissions" ("member_id", "dataset_id", "period") WHERE is_current`);
    await q.query(`CREATE TABLE "submission_cells" (
      "submission_id" uuid NOT NULL,
      "idx" integer NOT NULL,
      "key" text array NOT NULL,
      "value" integer,
      "obs_status" text NOT NULL,
      "conf_status" text NOT NULL,
      CONSTRAINT "PK_submission_cells" PRIMARY KEY ("submission_id", "idx")
    )`);
    await q.query(`ALTER TABLE "submission_cells" ADD CONSTRAINT "FK_submission_cells_submission" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "submission_cells"`);
    await q.query(`DROP TABLE "submissions"`);
    await q.query(`DROP TABLE "standard_versions"`);
    await q.query(`DROP TABLE "member_keys"`);
    await q.query(`DROP TABLE "member_credentials"`);
    await q.query(`DROP TABLE "members"`);
  }
}
