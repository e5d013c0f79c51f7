import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An upload's heartbeat: a node process that validates a file touches it every few seconds, so
 * a job left `validating` by a process that died (and the staged rows it may have committed)
 * can be told from a slow upload and swept.
 */
export class ImportHeartbeat1764600000000 implements MigrationInterface {
  name = 'ImportHeartbeat1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" DROP COLUMN "heartbeat_at"`);
  }
}
