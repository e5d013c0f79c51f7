import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { postgresOptions, runMigrations } from '@paivand/nest-common';
import { createTestDatabase, TestDatabase } from './database';

class AddColumn1000000000000 implements MigrationInterface {
  name = 'AddColumn1000000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE lock_probe ADD COLUMN added int');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE lock_probe DROP COLUMN added');
  }
}

jest.setTimeout(30_000);

/** Migrations give up on a lock held by a long reader, instead of queueing every query behind them. */
describe('migrations and the locks of long readers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('locks', 'v1', async (url) => {
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query('CREATE TABLE lock_probe (id int)');
      await c.end();
    });
  });
  afterAll(() => db.drop());

  it('a migration that waits past its lock timeout fails (55P03) and is rolled back; it runs once the reader is done', async () => {
    const options = postgresOptions({ url: db.url, entities: [], migrations: [AddColumn1000000000000], applicationName: 'lock-test', poolMax: 2 });
    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    try {
      // an export's snapshot holds such a lock while its client downloads
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM lock_probe');
      const started = Date.now();
      await expect(runMigrations(options, 300)).rejects.toMatchObject({ driverError: { code: '55P03' } });
      expect(Date.now() - started).toBeLessThan(10_000);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
    }
    expect(await runMigrations(options, 300)).toEqual(['AddColumn1000000000000']);
  });
});
