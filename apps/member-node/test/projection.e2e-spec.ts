import { ageBandOf, DatasetDecl, STANDARD } from '@paivand/schema';
import { iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { NodeSigningKey } from '../src/federation/signing-key';
import { ReleaseProjection, UnitExtract } from '../src/releases/release-projection';
import { fillSyntheticRegister } from '../src/releases/synthetic-register';
import { newKey, NodeTestApp, startNodeTestApp, TEST_CENTRE } from './utils/node-test-app';

jest.setTimeout(60_000);

/**
 * The register as the anonymizer reads it, when an earlier release of another dataset of the
 * unit is linked to this one: the linked tables count the same records, so every record must
 * carry the attributes of both; the fingerprint (what decides whether a revision is due) does
 * not move with them.
 */
describe('member node: the release projection with linked datasets', () => {
  let node: NodeTestApp;
  let projection: ReleaseProjection;
  const keys = `k1:${newKey()}`;
  const monthly = STANDARD.datasets.find((d) => d.id === 'incidents_monthly') as DatasetDecl;
  // a quarterly table by region alone, as the Association might add
  const quarterly: DatasetDecl = { ...monthly, id: 'incidents_quarterly_region', periodType: 'quarter', dimensions: monthly.dimensions.slice(0, 1) };
  const hotline = STANDARD.datasets.find((d) => d.id === 'hotline_monthly') as DatasetDecl;

  beforeAll(async () => {
    node = await startNodeTestApp({ NODE_ENCRYPTION_KEYS: keys, NODE_SIGNING_KEY: NodeSigningKey.generate().privateKeyPem, FEDERATION_JOBS: 'false' });
    await fillSyntheticRegister(
      node.dataSource,
      new KeyRing(keys),
      TEST_CENTRE,
      iterateRegister({ seed: 'projection-e2e', centre: { id: 'PRJ', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-03-31', incidents: 400 }),
    );
    projection = node.app.get(ReleaseProjection);
  });
  afterAll(() => node.close());

  const extract = (datasets: DatasetDecl[], linked: DatasetDecl[] = []): Promise<UnitExtract> =>
    node.dataSource.transaction((tx) => projection.extract(tx, TEST_CENTRE, 'incident', datasets, '2026-Q1', linked));
  /** Records by region (and the flags), whatever else the rows carry. */
  const byRegion = (e: UnitExtract): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of e.rows) {
      const k = `${r.month}|${r.consent}|${r.other}|${r.attributes.district}`;
      m.set(k, (m.get(k) ?? 0) + r.n);
    }
    return m;
  };

  it('reads the linked datasets\' attributes too, counts the same records, and keeps the fingerprint of the datasets released', async () => {
    const own = await extract([quarterly]);
    const linked = await extract([quarterly], [monthly]);
    expect(own.records).toBeGreaterThan(300);
    for (const r of own.rows) expect(Object.keys(r.attributes).sort()).toEqual(['district']);
    for (const r of linked.rows) expect(Object.keys(r.attributes).sort()).toEqual(['age_band', 'district', 'sex', 'violence_type']);
    expect(linked.rows.length).toBeGreaterThan(own.rows.length);
    expect(linked.records).toBe(own.records);
    expect(byRegion(linked)).toEqual(byRegion(own));
    expect(linked.fingerprint).toBe(own.fingerprint);
    // the fingerprint does move with the released datasets' own counts: by region and violence type is another input
    expect((await extract([monthly])).fingerprint).not.toBe(own.fingerprint);
  });

  it('gives each record the age band ageBandOf gives its age in the incident\'s year and the month it was reported, as codes (grouped as integers in the query)', async () => {
    // ages around every band's edges, unknown, negative and past 120, on a few clients of their own
    const ages = [null, -3, 0, 11, 12, 17, 18, 24, 25, 34, 35, 49, 50, 64, 65, 120, 121, 130];
    for (const [k, age] of ages.entries()) {
      await node.dataSource.query(
        `WITH c AS (INSERT INTO clients (centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability, registered_on)
                    VALUES ($1, $2, 'F', $3, 'TJ-DU-DSH', 'UNK', 'UNK', false, '2026-01-01') RETURNING id)
         INSERT INTO incidents (centre_id, incident_code, client_id, incident_date, reported_date, district, violence_types, violence_type, perpetrator_relationship,
                                consent_services, consent_reporting, reported_by_other_member, fingerprint)
         SELECT $1, $4, c.id, '2026-02-10', '2026-03-02', 'TJ-DU-DSH', ARRAY['physical_assault'], 'physical_assault', 'husband', true, true, false, md5($4) FROM c`,
        [TEST_CENTRE, `AGE-${k}`, age === null ? null : 2026 - age, `AGE-I-${k}`],
      );
    }
    const expected = new Map<string, number>();
    // the band stored with an incident (from her date of birth: the synthetic register's have one), else the year difference
    const raw: { month: string; age: number | null; age_band: string | null }[] = await node.dataSource.query(
      `SELECT to_char(i.reported_date, 'YYYY-MM') AS month, extract(year from i.incident_date)::int - c.birth_year AS age, i.age_band
         FROM incidents i JOIN clients c ON c.id = i.client_id WHERE i.centre_id = $1 AND i.reported_date >= '2026-01-01' AND i.reported_date < '2026-04-01'`,
      [TEST_CENTRE],
    );
    for (const r of raw) {
      const k = `${r.month}|${r.age_band ?? ageBandOf(r.age)}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    for (const r of (await extract([monthly])).rows) {
      const k = `${r.month}|${r.attributes.age_band}`;
      got.set(k, (got.get(k) ?? 0) + r.n);
    }
    expect(got).toEqual(expected);
    expect([...got.keys()].some((k) => k.endsWith('|UNK'))).toBe(true);
    expect([...got.keys()].some((k) => k.endsWith('|Y65T120'))).toBe(true);
  });

  it('ignores a linked dataset over attributes the register does not keep for the unit (never released from it), and refuses such a dataset of its own', async () => {
    const withHotline = await extract([quarterly], [hotline]);
    expect(withHotline.fingerprint).toBe((await extract([quarterly])).fingerprint);
    for (const r of withHotline.rows) expect(Object.keys(r.attributes)).toEqual(['district']);
    await expect(extract([{ ...hotline, unit: 'incident' }])).rejects.toThrow(/has no caller_sex, hotline_topic for incident records/);
  });

  // last: it changes services' outcomes
  it('counts a client as served in the quarter for a service she received, not for one she declined or that was not available', async () => {
    const clients = STANDARD.datasets.find((d) => d.id === 'clients_quarterly') as DatasetDecl;
    const served = async (): Promise<number> => (await node.dataSource.transaction((tx) => projection.extract(tx, TEST_CENTRE, 'client', [clients], '2026-Q1'))).records;
    const distinctClients = async (received: boolean): Promise<number> =>
      (
        await node.dataSource.query(
          `SELECT count(DISTINCT i.client_id)::int AS n FROM service_deliveries s JOIN incidents i ON i.id = s.incident_id
            WHERE s.centre_id = $1 AND s.date >= '2026-01-01' AND s.date < '2026-04-01' ${received ? `AND s.outcome NOT IN ('declined', 'not_available')` : ''}`,
          [TEST_CENTRE],
        )
      )[0].n;
    // the services of some clients, all of them, declined or not available
    await node.dataSource.query(
      `UPDATE service_deliveries SET outcome = CASE WHEN s.n % 2 = 0 THEN 'declined' ELSE 'not_available' END
         FROM (SELECT i.client_id, dense_rank() OVER (ORDER BY i.client_id) AS n FROM service_deliveries d JOIN incidents i ON i.id = d.incident_id WHERE d.centre_id = $1) s
        WHERE service_deliveries.incident_id IN (SELECT id FROM incidents WHERE client_id = s.client_id) AND s.n <= 30`,
      [TEST_CENTRE],
    );
    const all = await distinctClients(false);
    const received = await distinctClients(true);
    expect(received).toBeLessThan(all);
    expect(await served()).toBe(received);
  });
});
