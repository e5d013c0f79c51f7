import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id prefixes an import's accept gives its clients and incidents, chosen when the file is
 * uploaded: the staged rows' identifiable fields are sealed to the ids their rows will have in the
 * register (key-ring.ts binds every ciphertext to its row). Jobs staged before this column have
 * none: their values are bound to the column alone (`enc1:`), and their accept picks prefixes then.
 */
export class ImportRowIds1765000000000 implements MigrationInterface {
  name = 'ImportRowIds1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" ADD "client_id_prefix" text`);
    await q.query(`ALTER TABLE "import_jobs" ADD "incident_id_prefix" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_jobs" DROP COLUMN "incident_id_prefix"`);
    await q.query(`ALTER TABLE "import_jobs" DROP COLUMN "client_id_prefix"`);
  }
}
