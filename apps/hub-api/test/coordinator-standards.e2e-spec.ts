import { STANDARD, Standard } from '@paivand/schema';
import { createHubApp } from '../src/app.factory';
import { loadHubConfig } from '../src/config/hub-config';
import { StandardsService } from '../src/standards/standards.service';
import { admitTestMember, servicesCells, sign_, SUBMIT, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp, TEST_JWT_SECRET } from './utils/hub-test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- standard documents are edited as plain JSON here */
describe('coordinator: versions of the standard', () => {
  let hub: HubTestApp;
  let admin: string;
  let a: TestNode;
  const PUBLISH = 'mutation($d: JSON!) { publishStandard(document: $d) { version isCurrent } }';
  const draft = (version: string, edit: (d: any) => void = () => undefined): any => {
    const d = JSON.parse(JSON.stringify(STANDARD));
    d.version = version;
    edit(d);
    return d;
  };
  const versions = async (): Promise<string[]> => (await hub.dataSource.query<{ version: string }[]>(`SELECT version FROM standard_versions ORDER BY version`)).map((r) => r.version);
  const current = async (): Promise<string> => (await hub.gql('{ standard { version } }')).data?.standard.version;
  const full = (t: string, o: string): number => 5 + ((t.length * 7 + o.length) % 20);

  beforeAll(async () => {
    hub = await startHubTestApp();
    admin = await hub.signIn('association_admin');
    a = await admitTestMember(hub);
  }, 120_000);
  afterAll(() => hub.close());

  it('refuses a document that would break the hub or the nodes once published, and stores nothing', async () => {
    const list = (d: any, id: string): any => d.codelists.find((l: any) => l.id === id);
    const broken: [string, any, string][] = [
      ['a dataset without a title (the standard query then fails for everyone)', draft('2026.2', (d) => delete d.datasets[0].title), 'datasets.0.title'],
      ['a code twice in a codelist', draft('2026.2', (d) => list(d, 'service_type').codes.push({ ...list(d, 'service_type').codes[0] })), 'codelists'],
      ['_T as a code (it is the total)', draft('2026.2', (d) => list(d, 'service_outcome').codes.push({ code: '_T', labels: { tg: 'x', ru: 'x', en: 'x' } })), 'codelists'],
      ['a dataset twice', draft('2026.2', (d) => d.datasets.push(d.datasets[0])), 'datasets.'],
      ['a code with | in it (keys are joined by |)', draft('2026.2', (d) => list(d, 'service_outcome').codes.push({ code: 'a|b', labels: { tg: 'x', ru: 'x', en: 'x' } })), 'codelists'],
      ['a code with a blank in it', draft('2026.2', (d) => list(d, 'service_outcome').codes.push({ code: 'two words', labels: { tg: 'x', ru: 'x', en: 'x' } })), 'codelists'],
      ['an unknown protection method', draft('2026.2', (d) => (d.datasets[0].protection.method = 'rounding')), 'datasets.0.protection.method'],
      ['a k that is no integer', draft('2026.2', (d) => (d.datasets[0].protection.k = 4.5)), 'datasets.0.protection'],
      ['a protection range below k (the audit would ask nothing)', draft('2026.2', (d) => (d.datasets[0].protection.protectionRange = 0)), 'datasets.0.protection.protectionRange'],
      ['a dimension reading an attribute no node keeps', draft('2026.2', (d) => (d.datasets[0].dimensions[0].attribute = 'no_such_attribute')), 'datasets.0.dimensions.0.attribute'],
      ['no codelist for the attributes the dimensions read', draft('2026.2', (d) => (d.attributes = {})), 'attributes.'],
      ["a dimension whose codes are not its attribute's (sex counted as regions)", draft('2026.2', (d) => (d.datasets[0].dimensions[0].attribute = 'sex')), 'datasets.0.dimensions.0.codelist'],
    ];
    for (const [what, doc, field] of broken) {
      const res = await hub.gql(PUBLISH, { d: doc }, admin);
      expect({ what, code: res.errors?.[0].extensions?.code, reason: res.errors?.[0].extensions?.details?.reason }).toEqual({ what, code: 'BAD_USER_INPUT', reason: 'STANDARD_INVALID' });
      expect(res.errors?.[0].extensions?.details.fields[0].field).toContain(field);
    }
    expect(await versions()).toEqual([STANDARD.version]);
    const std = await hub.gql('{ standard { version datasets { id title { en } } } }');
    expect(std.errors).toBeUndefined();
    expect(std.data?.standard.version).toBe(STANDARD.version);
  });

  it('refuses a version that takes away a codelist, a code, a dataset, a dataset\'s shape or protection that members and the hub still use, and stores nothing', async () => {
    const list = (d: any, id: string): any => d.codelists.find((l: any) => l.id === id);
    const dataset = (d: any, id: string): any => d.datasets.find((x: any) => x.id === id);
    const takenAway: [string, any, string][] = [
      ['every dataset', draft('2026.2', (d) => (d.datasets = [])), 'datasets.'],
      ['a codelist the hub reads (centre types: nobody could apply)', draft('2026.2', (d) => (d.codelists = d.codelists.filter((l: any) => l.id !== 'centre_type'))), 'codelists.centre_type'],
      ['a code members record with', draft('2026.2', (d) => list(d, 'violence_type').codes.pop()), 'codelists.violence_type'],
      ['a dimension of a dataset', draft('2026.2', (d) => d.datasets[0].dimensions.pop()), `datasets.${STANDARD.datasets[0].id}`],
      ['a dataset\'s period type', draft('2026.2', (d) => (d.datasets[0].periodType = 'quarter')), `datasets.${STANDARD.datasets[0].id}`],
      [
        'a dataset\'s protection method',
        draft('2026.2', (d) => {
          const dp = d.datasets.find((x: any) => x.protection.method === 'differential_privacy');
          Object.assign(d.datasets.find((x: any) => x.protection.method === 'suppression').protection, { method: 'differential_privacy', differentialPrivacy: dp.protection.differentialPrivacy });
        }),
        'datasets.',
      ],
      ['what a dimension counts (the caller\'s sex read from the client\'s)', draft('2026.2', (d) => (dataset(d, 'hotline_monthly').dimensions[1].attribute = 'sex')), 'datasets.hotline_monthly'],
      ['a lower k', draft('2026.2', (d) => (dataset(d, 'services_monthly').protection.k = 4)), 'datasets.services_monthly.protection.k'],
      ['fewer members behind a combined cell', draft('2026.2', (d) => (dataset(d, 'services_monthly').protection.minContributors = 1)), 'datasets.services_monthly.protection.minContributors'],
      ['a narrower protection range (k lowered with it)', draft('2026.2', (d) => Object.assign(dataset(d, 'services_monthly').protection, { k: 4, protectionRange: 4 })), 'datasets.services_monthly.protection.protectionRange'],
      ['protected zeros made structural', draft('2026.2', (d) => (dataset(d, 'services_monthly').protection.structuralZeros = true)), 'datasets.services_monthly.protection.structuralZeros'],
      ['a larger epsilon per release', draft('2026.2', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.epsilonPerRelease = 1)), 'datasets.hotline_monthly.protection.differentialPrivacy.epsilonPerRelease'],
      ['a larger annual epsilon', draft('2026.2', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.annualEpsilon = 12)), 'datasets.hotline_monthly.protection.differentialPrivacy.annualEpsilon'],
      ['more contributions per client', draft('2026.2', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.maxContributionsPerClient = 10)), 'datasets.hotline_monthly.protection.differentialPrivacy.maxContributionsPerClient'],
    ];
    for (const [what, doc, field] of takenAway) {
      const res = await hub.gql(PUBLISH, { d: doc }, admin);
      expect({ what, code: res.errors?.[0].extensions?.code, reason: res.errors?.[0].extensions?.details?.reason }).toEqual({ what, code: 'BAD_USER_INPUT', reason: 'STANDARD_INCOMPATIBLE' });
      expect(res.errors?.[0].extensions?.details.fields.map((f: any) => f.field).join(' ')).toContain(field);
    }
    expect(await versions()).toEqual([STANDARD.version]);
  });

  it('holds at most one current version in the database itself (a second current row is refused, 23505)', async () => {
    const doc = JSON.parse(JSON.stringify((await hub.dataSource.query(`SELECT document FROM standard_versions WHERE is_current`))[0].document));
    doc.version = '2099.1';
    await expect(hub.dataSource.query(`INSERT INTO standard_versions (version, document, is_current) VALUES ('2099.1', $1::jsonb, true)`, [JSON.stringify(doc)])).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM standard_versions WHERE is_current`))[0].n).toBe(1);
  });

  it('publishes only a version later than every published one; a published version cannot be replaced', async () => {
    const older = await hub.gql(PUBLISH, { d: draft('2025.9') }, admin);
    expect(older.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'VERSION_NOT_LATER' } });
    expect(await current()).toBe(STANDARD.version);
    const same = await hub.gql(PUBLISH, { d: draft(STANDARD.version, (d) => (d.datasets[0].protection.k = 2)) }, admin);
    expect(same.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'VERSION_EXISTS' } });
    const doc = (await hub.gql(`{ standard(version: "${STANDARD.version}") { document } }`)).data?.standard.document as Standard;
    expect(doc).toEqual(JSON.parse(JSON.stringify(STANDARD)));
  });

  it('a k raised in a later version is the floor for releases still prepared on the earlier one', async () => {
    const k = STANDARD.datasets.find((d) => d.id === 'services_monthly')!.protection.k;
    const raised = draft('2026.2', (d) => (d.datasets.find((x: any) => x.id === 'services_monthly').protection.k = k + 5));
    expect((await hub.gql(PUBLISH, { d: raised }, admin)).data?.publishStandard).toEqual({ version: '2026.2', isCurrent: true });
    // Counts from k to k+4 are published: fine under the old k, not under the new one.
    const cells = servicesCells((t, o) => k + ((t.length + o.length) % 5));
    const old = await hub.gql(SUBMIT, { s: sign_(a, { cells, schemaVersion: STANDARD.version }), d: false }, a.token);
    expect(old.data?.submitRelease.status).toBe('ERROR');
    // the protection range defaults to k: raised with it
    expect(old.data?.submitRelease.conflicts.map((c: any) => c.code)).toEqual(['K_TOO_LOW', 'PROTECTION_RANGE_TOO_LOW']);
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions`))[0].n).toBe(0);
    // A release of the old version that keeps the new k still gets in.
    const ok = await hub.gql(SUBMIT, { s: sign_(a, { cells: servicesCells(() => k + 5), schemaVersion: STANDARD.version, protection: { method: 'suppression', k: k + 5, protectionRange: k + 5 } }), d: true }, a.token);
    expect(ok.data?.submitRelease.status).toBe('SUCCESS');
    expect((await hub.gql(SUBMIT, { s: sign_(a, { cells: servicesCells(full), schemaVersion: '2026.9' }), d: true }, a.token)).data?.submitRelease.conflicts.map((c: any) => c.code)).toEqual(['SCHEMA_VERSION_UNKNOWN']);
  });

  it('a release the hub stored before k was raised, sent again (its acknowledgement lost), is answered as a repeat, not refused by the new floor', async () => {
    const k = (await hub.gql(`{ standard { document } }`)).data?.standard.document.datasets.find((x: any) => x.id === 'services_monthly').protection.k as number;
    const signed = sign_(a, { cells: servicesCells(() => k), schemaVersion: await current(), period: '2025-05', protection: { method: 'suppression', k, protectionRange: k } });
    const first = await hub.gql(SUBMIT, { s: signed, d: false }, a.token);
    expect(first.errors ?? first.data?.submitRelease.conflicts).toEqual([]);
    expect(first.data?.submitRelease.status).toBe('SUCCESS');
    const raised = draft('2026.3', (d) => (d.datasets.find((x: any) => x.id === 'services_monthly').protection.k = k + 5));
    expect((await hub.gql(PUBLISH, { d: raised }, admin)).data?.publishStandard).toEqual({ version: '2026.3', isCurrent: true });
    const again = (await hub.gql(SUBMIT, { s: signed, d: false }, a.token)).data?.submitRelease;
    expect(again).toMatchObject({ status: 'WARNING', counts: { imported: 0, ignored: signed.payload.cells.length } });
    // other content under the old k is refused by the new floor
    const other = sign_(a, { cells: servicesCells(() => k + 1), schemaVersion: signed.payload.schemaVersion, period: '2025-05', revision: 2, protection: { method: 'suppression', k, protectionRange: k } });
    expect((await hub.gql(SUBMIT, { s: other, d: false }, a.token)).data?.submitRelease.conflicts.map((c: any) => c.code)).toContain('K_TOO_LOW');
  });

  it('a version published through one hub replica becomes current at the others too', async () => {
    const config = loadHubConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: hub.db.url });
    const replica = await createHubApp(config, hub.db.url);
    try {
      const request = (await import('supertest')).default;
      const apply = async (name: string): Promise<any> =>
        (await request(replica.getHttpServer()).post('/graphql').send({
          query: 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { status } }',
          variables: { i: { name, centreType: 'mobile_team', region: 'TJ-KT', contactEmail: 'office@mobile.example.tj' } },
        })).body;
      // The replica reads the current version (and remembers it)...
      expect((await apply('Mobile team Bokhtar')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      // ... then the Association publishes a version with a new centre type through the first replica.
      const next = draft('2026.4', (d) => {
        d.codelists.find((l: any) => l.id === 'centre_type').codes.push({ code: 'mobile_team', labels: { tg: 'Гурӯҳи сайёр', ru: 'Мобильная группа', en: 'Mobile team' } });
        // keeps the k 2026.2 and 2026.3 raised: a later version may not lower it
        d.datasets.find((x: any) => x.id === 'services_monthly').protection.k += 10;
      });
      expect((await hub.gql(PUBLISH, { d: next }, admin)).data?.publishStandard.isCurrent).toBe(true);
      await new Promise((r) => setTimeout(r, 5_500));
      expect((await apply('Mobile team Bokhtar')).data?.applyForMembership.status).toBe('applied');
    } finally {
      await replica.close();
    }
  }, 30_000);

  it('every publication lands in the audit log', async () => {
    const rows = await hub.dataSource.query(`SELECT object_id FROM audit_log WHERE action = 'standard.publish' ORDER BY id`);
    expect(rows.map((r: { object_id: string }) => r.object_id)).toEqual(['2026.2', '2026.3', '2026.4']);
  });

  it('a hub started with code of a later version stores it only into an empty table: published versions stay as they are, and it can still be published', async () => {
    // a hub of its own: once the replica above is closed, passport's one 'jwt' strategy is the closed replica's
    const other = await startHubTestApp();
    try {
      const coordinator = await other.signIn('association_admin');
      expect((await other.gql(PUBLISH, { d: draft('2026.2') }, coordinator)).data?.publishStandard.version).toBe('2026.2');
      // the hub restarts with code that carries 2026.3
      const seeded = await other.dataSource.transaction((tx) => other.app.get(StandardsService).seed(tx, draft('2026.3')));
      expect((await other.gql('{ standardVersions { version isCurrent } }')).data?.standardVersions).toEqual([
        { version: '2026.2', isCurrent: true },
        { version: STANDARD.version, isCurrent: false },
      ]);
      expect(seeded).toBe(false);
      expect((await other.gql(PUBLISH, { d: draft('2026.3') }, coordinator)).data?.publishStandard).toEqual({ version: '2026.3', isCurrent: true });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('a release checked against the current version a replica remembers, while another replica publishes a higher k, is checked again against that one before it is stored', async () => {
    const other = await startHubTestApp();
    try {
      const member = await admitTestMember(other);
      const k = STANDARD.datasets.find((d) => d.id === 'services_monthly')!.protection.k;
      const cells = servicesCells((t, o) => k + ((t.length + o.length) % 5));
      // this replica reads the current version (and remembers it for a few seconds)...
      expect((await other.gql(SUBMIT, { s: sign_(member, { cells, period: '2025-07' }), d: true }, member.token)).data?.submitRelease.status).toBe('SUCCESS');
      // ... and another one publishes a version that raises k (as its publish writes it)
      const raised = draft('2026.2', (d) => (d.datasets.find((x: any) => x.id === 'services_monthly').protection.k = k + 5));
      await other.dataSource.transaction(async (tx) => {
        await tx.query(`UPDATE standard_versions SET is_current = false WHERE is_current`);
        await tx.query(`INSERT INTO standard_versions (version, document, is_current) VALUES ('2026.2', $1::jsonb, true)`, [JSON.stringify(raised)]);
      });
      const sent = (await other.gql(SUBMIT, { s: sign_(member, { cells, period: '2025-07' }), d: false }, member.token)).data?.submitRelease;
      expect(sent.status).toBe('ERROR');
      expect(sent.conflicts.map((c: any) => c.code)).toContain('K_TOO_LOW');
      expect((await other.dataSource.query(`SELECT count(*)::int AS n FROM submissions`))[0].n).toBe(0);
    } finally {
      await other.close();
    }
  }, 60_000);
});
