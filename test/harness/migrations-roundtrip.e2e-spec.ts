import { DataSource, DataSourceOptions } from 'typeorm';
import { hubDataSourceOptions, migrateHub } from '../../apps/hub-api/src/database/data-source';
import { migrateNode, nodeDataSourceOptions } from '../../apps/member-node/src/database/data-source';
import { createTestDatabase, TestDatabase } from './database';

jest.setTimeout(120_000);

/** Undoes every migration, newest first, then applies them all again: what an operator rolling back a release meets. */
async function roundTrip(options: DataSourceOptions, count: number): Promise<string[]> {
  const ds = new DataSource({ ...options, migrationsTransactionMode: 'each' });
  await ds.initialize();
  const undone: string[] = [];
  try {
    for (;;) {
      const [last]: { name: string }[] = await ds.query('SELECT name FROM typeorm_migrations ORDER BY timestamp DESC, id DESC LIMIT 1');
      if (!last) break;
      await ds.undoLastMigration({ transaction: 'each' });
      undone.push(last.name);
      if (undone.length > count) throw new Error('a down() did not remove its migration');
    }
    expect(await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`)).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  return undone;
}

describe('migrations: every down() runs, on a database in use, and up() runs again after them', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('member node: with an upload staged mid-way (rows repeating one another, as before the duplicate checks run)', async () => {
    const db = await createTestDatabase('node-roundtrip', String(Date.now()), async (url) => void (await migrateNode(url)));
    dbs.push(db);
    const options = nodeDataSourceOptions(db.url);
    const ds = new DataSource(options);
    await ds.initialize();
    try {
      const [{ id }]: { id: string }[] = await ds.query(
        `INSERT INTO import_jobs (centre_id, created_by, file_name, format, status) VALUES ('RT', gen_random_uuid(), 'register.csv', 'csv', 'validating') RETURNING id`,
      );
      // two rows of one client and one incident code: the unique indexes an older schema had would refuse them
      for (const row of [1, 2]) {
        await ds.query(
          `INSERT INTO import_staged_rows (job_id, row_number, client_code, sex, client_district, marital_status, migration_status, has_disability, registered_on,
                                           incident_code, incident_date, reported_date, incident_district, violence_types, violence_type, perpetrator_relationship,
                                           consent_services, consent_reporting, reported_by_other_member, fingerprint)
           VALUES ($1, $2, 'RT-1', 'F', 'TJ-DU-SIN', 'married', 'resident', false, '2026-01-05', 'RT-I-1', '2026-01-02', '2026-01-05', 'TJ-DU-SIN',
                   ARRAY['physical_assault'], 'physical_assault', 'husband', true, true, false, 'same-fingerprint')`,
          [id, row],
        );
      }
    } finally {
      await ds.destroy();
    }
    const undone = await roundTrip(options, (options.migrations as unknown[]).length);
    expect(undone).toHaveLength((options.migrations as unknown[]).length);
  });

  it('hub', async () => {
    const db = await createTestDatabase('hub-roundtrip', String(Date.now()), async (url) => void (await migrateHub(url)));
    dbs.push(db);
    const options = hubDataSourceOptions(db.url);
    const undone = await roundTrip(options, (options.migrations as unknown[]).length);
    expect(undone).toHaveLength((options.migrations as unknown[]).length);
  });
});
