import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { STANDARD, Standard } from '@paivand/schema';
import { NodeConfig } from '../src/config/node-config';
import { HubClient } from '../src/federation/hub-client';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { NodeTestApp, startNodeTestApp } from './utils/node-test-app';

jest.setTimeout(60_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- standard documents are edited as plain JSON here */
const versionOf = (version: string, edit: (d: any) => void = () => undefined): Standard => {
  const d = JSON.parse(JSON.stringify(STANDARD));
  d.version = version;
  edit(d);
  return d as Standard;
};
const dataset = (d: any, id: string): any => d.datasets.find((x: any) => x.id === id);

/** What the node does with the standard a hub answers: the hub here is a stub that answers `doc`. */
describe('member node: the standard pulled from the hub', () => {
  let node: NodeTestApp;
  let answer: unknown;
  let sync: StandardSyncService;

  beforeAll(async () => {
    node = await startNodeTestApp({ FEDERATION_JOBS: 'false' });
    const hub = { standard: async () => answer } as unknown as HubClient;
    sync = new StandardSyncService(node.app.get(DataSource), hub, node.app.get(NodeConfig), node.app.get(SchedulerRegistry));
  });
  afterAll(() => node.close());

  it('refuses a version that weakens the protection or moves a district, and a document that is not a standard, keeping the one it has', async () => {
    const before = (await sync.current()).version;
    answer = versionOf('9999.1', (d) => Object.assign(dataset(d, 'incidents_monthly').protection, { k: 1, protectionRange: 1, structuralZeros: true }));
    expect(await sync.sync()).toMatchObject({ status: 'refused', version: before, offered: '9999.1', problems: expect.arrayContaining(['datasets.incidents_monthly.protection.k']) });
    answer = versionOf('2026.7', (d) => {
      const districts = d.codelists.find((l: any) => l.id === 'district').codes;
      districts[0].parent = districts.find((c: any) => c.parent !== districts[0].parent).parent;
    });
    expect(await sync.sync()).toMatchObject({ status: 'refused', problems: ['codelists.district'] });
    answer = versionOf('2026.8', (d) => delete d.attributes);
    expect(await sync.sync()).toMatchObject({ status: 'refused', problems: ['attributes'] });
    answer = { version: '2026.9', datasets: [], codelists: [] };
    expect(await sync.sync()).toMatchObject({ status: 'refused' });
    expect((await sync.current()).version).toBe(before);
    expect(await node.dataSource.query('SELECT version FROM node_standards')).toEqual([]);
  });

  it("takes the hub's version, a stricter one included, and from then on never one the built-in code has that the hub has not published", async () => {
    // the hub has not published the version built into this code: the node works on the hub's
    answer = versionOf('2025.9');
    expect(await sync.sync()).toMatchObject({ status: 'updated', version: '2025.9' });
    expect((await sync.current()).version).toBe('2025.9');
    answer = versionOf('2026.5', (d) => Object.assign(dataset(d, 'services_monthly').protection, { k: 7, protectionRange: 9 }));
    expect(await sync.sync()).toMatchObject({ status: 'updated', version: '2026.5' });
    expect(dataset((await sync.current()).standard, 'services_monthly').protection.k).toBe(7);
    // an older one again does not take it back
    answer = versionOf('2025.9');
    expect((await sync.sync()).version).toBe('2026.5');
  });
});
