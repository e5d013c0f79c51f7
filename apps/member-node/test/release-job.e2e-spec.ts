import { Logger } from '@nestjs/common';
import { types } from 'pg';
import { STANDARD, Standard } from '@paivand/schema';
import { iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { ReleaseScheduler } from '../src/releases/release.scheduler';
import { ReleasesService } from '../src/releases/releases.service';
import { fillSyntheticRegister } from '../src/releases/synthetic-register';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { newKey, NodeTestApp, startNodeTestApp } from './utils/node-test-app';

// A file of its own: these tests read the job's log lines, and nestjs-pino writes the lines of
// every app of a test file to the first app's stream.

jest.setTimeout(300_000);

const NOW = new Date('2025-04-20T00:00:00Z');
const CENTRE = 'job-centre';

/** Synthetic cases reported between `from` and `to`. */
function fill(node: NodeTestApp, keys: string, prefix: string, from: string, to: string, incidents: number): Promise<unknown> {
  const centre = { id: prefix, centreType: 'crisis_centre' as const, region: 'TJ-SU' };
  return fillSyntheticRegister(node.dataSource, new KeyRing(keys), CENTRE, iterateRegister({ seed: `job-${prefix}`, centre, from, to, incidents }));
}

describe('member node: the release job', () => {
  const keys = `k1:${newKey()}`;
  let node: NodeTestApp;
  let scheduler: ReleaseScheduler;
  beforeAll(async () => {
    node = await startNodeTestApp({ CENTRE_ID: CENTRE, NODE_ENCRYPTION_KEYS: keys, FEDERATION_JOBS: 'false' });
    // the app never listens here, so Nest keeps buffering the lines of its Logger: write them to the node's log
    Logger.flush();
    scheduler = node.app.get(ReleaseScheduler);
    await fill(node, keys, 'JOB', '2025-01-01', '2025-03-31', 200);
    // the register's first day is the first of a month
    await node.dataSource.query(`UPDATE incidents SET reported_date = '2025-01-01' WHERE id = (SELECT id FROM incidents ORDER BY reported_date, id LIMIT 1)`);
  });
  afterAll(() => node?.close());

  it('finds the due periods from the first day with data east of UTC too (a date is not read as local midnight)', async () => {
    // node-postgres reads a `date` as local midnight: here as it would in Dushanbe (UTC+5), whatever the machine's zone
    const readDate = types.getTypeParser(types.builtins.DATE);
    types.setTypeParser(types.builtins.DATE, (v: string) => new Date(`${v}T00:00:00+05:00`));
    try {
      expect(await scheduler.duePeriods(NOW)).toEqual(['2025-01', '2025-02', '2025-03', '2025-Q1']);
    } finally {
      types.setTypeParser(types.builtins.DATE, readDate);
    }
  });

  it('leaves out a dataset of a newer standard the register cannot count (logged once, by id), and prepares every period', async () => {
    const quarterly = STANDARD.datasets.find((d) => d.periodType === 'quarter') as Standard['datasets'][number];
    const byReferral = {
      ...quarterly,
      id: 'incidents_by_referral_quarterly',
      unit: 'incident' as const,
      dimensions: [{ ...quarterly.dimensions[0], id: 'referral_source', codelist: 'referral_source', attribute: 'referral_source' as const }],
    };
    await node.app.get(StandardSyncService).store({ ...STANDARD, version: '2026.2', datasets: [...STANDARD.datasets, byReferral] } as Standard);
    const results = await scheduler.runDue(NOW);
    expect(results.map((r) => `${r.period}:${r.status}`)).toEqual(['2025-01:prepared', '2025-02:prepared', '2025-03:prepared', '2025-Q1:prepared']);
    expect(results.flatMap((r) => r.releases.map((x) => x.datasetId))).not.toContain(byReferral.id);
    expect(node.logs.filter((l) => l.includes(`dataset ${byReferral.id} of standard 2026.2 left out`))).toHaveLength(1);
  });

  it('an error preparing one period fails that period only; the later ones are prepared', async () => {
    await fill(node, keys, 'JOBLATE', '2025-02-03', '2025-03-25', 40);
    const service = node.app.get(ReleasesService);
    const prepare = service.prepare.bind(service);
    const spy = jest
      .spyOn(service, 'prepare')
      .mockImplementation((period, now, onProgress) => (period === '2025-02' ? Promise.reject(new Error('Gulnora Saidova, Vahdat')) : prepare(period, now, onProgress)));
    try {
      const results = await scheduler.runDue(NOW);
      expect(results.map((r) => `${r.period}:${r.status}${r.errorCode ? `:${r.errorCode}` : ''}`)).toEqual(['2025-01:nothing', '2025-02:failed:INTERNAL', '2025-03:prepared', '2025-Q1:prepared']);
    } finally {
      spy.mockRestore();
    }
    expect(node.logs.some((l) => l.includes('release of 2025-02 failed (Error)'))).toBe(true);
    expect(node.logs.join('')).not.toContain('Gulnora');
  });
});
