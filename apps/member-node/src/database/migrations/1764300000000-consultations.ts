import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hotline consultations: the register of the Association's legal-aid hotlines (dataset hotline_monthly). */
export class Consultations1764300000000 implements MigrationInterface {
  name = 'Consultations1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "consultations" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "centre_id" text NOT NULL,
      "consultation_code" text NOT NULL,
      "caller_code" text,
      "date" date NOT NULL,
      "topic" text NOT NULL,
      "caller_sex" text NOT NULL,
      "caller_age_band" text,
      "district" text,
      "caller_is_survivor" boolean NOT NULL,
      "referred_to" text,
      "consent_reporting" boolean NOT NULL,
      "notes_enc" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_consultations" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE UNIQUE INDEX "consultations_centre_code_key" ON "consultations" ("centre_id", "consultation_code")`);
    await q.query(`CREATE INDEX "consultations_date_idx" ON "consultations" ("centre_id", "date")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "consultations"`);
  }
}
