import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';

describe('test harness: real Postgres', () => {
  let db: TestDatabase;
  let migrations = 0;

  beforeAll(async () => {
    db = await createTestDatabase('harness', 'v1', async (url) => {
      migrations += 1;
      const c = new Client({ connectionString: url });
      await c.connect();
      await c.query('CREATE TABLE harness_probe (id serial PRIMARY KEY, label text NOT NULL)');
      await c.query("INSERT INTO harness_probe (label) VALUES ('from-template')");
      await c.end();
    });
  });
  afterAll(() => db.drop());

  it('clones a migrated template into a database of its own and runs real SQL', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ label: string; v: string }>(
        "SELECT label, current_setting('server_version_num') AS v FROM harness_probe",
      );
      expect(rows).toEqual([{ label: 'from-template', v: expect.stringMatching(/^\d{6}$/) }]);
      await c.query("INSERT INTO harness_probe (label) VALUES ('only-here')");
      const { rows: count } = await c.query<{ n: string }>('SELECT count(*) AS n FROM harness_probe');
      expect(Number(count[0].n)).toBe(2);
    } finally {
      await c.end();
    }
    expect(migrations).toBeLessThanOrEqual(1);
  });

  it('gives another clone a pristine copy of the template', async () => {
    const other = await createTestDatabase('harness', 'v1', () => Promise.reject(new Error('template must exist')));
    const c = new Client({ connectionString: other.url });
    await c.connect();
    const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM harness_probe');
    await c.end();
    await other.drop();
    expect(Number(rows[0].n)).toBe(1);
  });
});
