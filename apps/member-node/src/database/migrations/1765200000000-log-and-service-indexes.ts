import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for queries that read whole tables: the access log filtered by action or by time (the
 * centre admin's view, newest first: each page was a scan of the whole log, which grows with every
 * read of a case), and the services delivered in a period (every release check, by date).
 */
export class LogAndServiceIndexes1765200000000 implements MigrationInterface {
  name = 'LogAndServiceIndexes1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "access_log_action_idx" ON "access_log" ("action", "id")`);
    await q.query(`CREATE INDEX "access_log_at_idx" ON "access_log" ("at")`);
    await q.query(`CREATE INDEX "service_deliveries_date_idx" ON "service_deliveries" ("centre_id", "date")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "service_deliveries_date_idx"`);
    await q.query(`DROP INDEX "access_log_at_idx"`);
    await q.query(`DROP INDEX "access_log_action_idx"`);
  }
}
