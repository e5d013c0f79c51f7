import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A release that can still leave the centre or has left it (prepared, held, approved, pushed,
 * refused: requeue sends a refused one again) holds the exact bytes it sends and their hash. Only
 * a blocked release (refused by the anonymizer before it had any) has none, and what it becomes
 * (superseded, stale). NOT VALID: rows written before are not checked again, every change is.
 */
export class ReleasePayloadCheck1765500000000 implements MigrationInterface {
  name = 'ReleasePayloadCheck1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "releases" ADD CONSTRAINT "releases_payload_check" CHECK (status IN ('blocked','superseded','stale') OR (payload IS NOT NULL AND content_hash IS NOT NULL)) NOT VALID`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "releases" DROP CONSTRAINT "releases_payload_check"`);
  }
}
