import { Client } from 'pg';
import { migrateHub } from '../../apps/hub-api/src/database/data-source';
import { migrateNode } from '../../apps/member-node/src/database/data-source';
import { createTestDatabase, TestDatabase } from './database';

jest.setTimeout(60_000);

/** What the services check, the databases hold too: a writer that bypasses the service (a script, a fix by hand) is refused. */
describe('database constraints behind the services', () => {
  const dbs: TestDatabase[] = [];
  const clients: Client[] = [];
  const open = async (db: TestDatabase): Promise<Client> => {
    dbs.push(db);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) await c.end();
    for (const db of dbs) await db.drop();
  });

  it('hub: a member account names a member the hub knows', async () => {
    const c = await open(await createTestDatabase('hub-constraints', String(Date.now()), async (url) => void (await migrateHub(url))));
    const insert = (memberId: string) =>
      c.query(`INSERT INTO accounts (email, display_name, password_hash, role, member_id) VALUES ($1, 'Staff', 'x', 'member', $2)`, [`${memberId}@example.test`, memberId]);
    await expect(insert('00000000-0000-4000-8000-000000000001')).rejects.toMatchObject({ code: '23503', constraint: 'FK_accounts_member' });
    const [{ id }] = (await c.query<{ id: string }>(`INSERT INTO members (name, centre_type, region, contact_email, status) VALUES ('Constraint Centre', 'shelter', 'TJ-SU', 'office@constraint.example.tj', 'admitted') RETURNING id`)).rows;
    await insert(id);
  });

  it('node: a release that can still leave the centre holds its payload and hash; a blocked one has none', async () => {
    const c = await open(await createTestDatabase('node-constraints', String(Date.now()), async (url) => void (await migrateNode(url))));
    const release = (status: string, payload: string | null) =>
      c.query(
        `INSERT INTO releases (batch_id, dataset_id, period_type, period, revision, status, schema_version, payload, content_hash, input_fingerprint)
         VALUES (gen_random_uuid(), 'services_monthly', 'month', '2026-01', 1, $1, '2026.1', $2, $3, 'f') RETURNING id`,
        [status, payload, payload === null ? null : 'hash'],
      );
    for (const status of ['prepared', 'held', 'approved', 'pushed', 'refused']) {
      await expect(release(status, null)).rejects.toMatchObject({ code: '23514', constraint: 'releases_payload_check' });
    }
    const [{ id }] = (await release('blocked', null)).rows as { id: string }[];
    await c.query(`UPDATE releases SET status = 'superseded' WHERE id = $1`, [id]);
    await expect(c.query(`UPDATE releases SET status = 'approved' WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23514' });
    await release('prepared', '{}');
  });
});
