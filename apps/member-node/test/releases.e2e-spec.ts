import { Logger } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource, EntityManager } from 'typeorm';
import { Standard, STANDARD, SubmissionPayload } from '@paivand/schema';
import { iterateRegister } from '@paivand/synthetic';
import { KeyRing } from '../src/crypto/key-ring';
import { HUB_CLIENT } from '../src/federation/federation.providers';
import { HubClient } from '../src/federation/hub-client';
import { NodeSigningKey } from '../src/federation/signing-key';
import { OutboxPusher } from '../src/outbox/outbox.pusher';
import { ReleaseEntity } from '../src/releases/release.entity';
import { PrepareResult, ReleasesService } from '../src/releases/releases.service';
import { fillSyntheticRegister } from '../src/releases/synthetic-register';
import { StandardSyncService } from '../src/standard-sync/standard-sync.service';
import { newKey, NodeTestApp, startNodeTestApp } from './utils/node-test-app';

jest.setTimeout(300_000);

const NOW = new Date('2025-04-20T00:00:00Z');
const CENTRE = 'rel-centre';
const MANAGER = 'staff:manager';

/** A hub that answers every submission with SUCCESS, or ERROR when `refuse` says so; keeps the bodies it accepted. */
class FakeHub {
  refuse: (payload: SubmissionPayload) => boolean = () => false;
  readonly accepted: SubmissionPayload[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url?.endsWith('/auth/token')) return res.end(JSON.stringify({ accessToken: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
        const payload = (JSON.parse(body) as { payload: SubmissionPayload }).payload;
        const refused = this.refuse(payload);
        if (!refused) this.accepted.push(payload);
        const summary = {
          status: refused ? 'ERROR' : 'SUCCESS',
          description: refused ? 'refused' : 'imported',
          dryRun: false,
          counts: { imported: refused ? 0 : 1, updated: 0, ignored: 0, rejected: refused ? 1 : 0 },
          conflicts: refused ? [{ code: 'MEMBER_SUSPENDED', object: 'member', message: 'suspended', cellIndexes: [] }] : [],
        };
        return res.end(JSON.stringify(summary));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Whether the hub accepted the release's exact figures. */
  took(release: ReleaseEntity): boolean {
    return this.accepted.some((p) => p.contentHash === release.contentHash);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Synthetic cases reported between `from` and `to`. */
function fill(node: NodeTestApp, keys: string, prefix: string, from: string, to: string, incidents: number): Promise<unknown> {
  const centre = { id: prefix, centreType: 'crisis_centre' as const, region: 'TJ-SU' };
  return fillSyntheticRegister(node.dataSource, new KeyRing(keys), CENTRE, iterateRegister({ seed: `rel-${prefix}`, centre, from, to, incidents }));
}

/**
 * Prepares `period` and holds the preparation right after it read the period's releases (at
 * its read of the ledger), as a long suppression would; `during` runs meanwhile.
 */
async function whilePreparing<T>(node: NodeTestApp, period: string, during: () => Promise<T>): Promise<{ prepared: PrepareResult; during: PromiseSettledResult<T> }> {
  const ds: DataSource = node.dataSource;
  const transaction = ds.transaction.bind(ds) as (fn: (tx: EntityManager) => Promise<unknown>) => Promise<unknown>;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const atGate = new Promise<void>((r) => (reached = r));
  const spy = jest.spyOn(ds, 'transaction').mockImplementationOnce(((fn: (tx: EntityManager) => Promise<unknown>) =>
    transaction(async (tx) => {
      const query = tx.query.bind(tx);
      tx.query = (async (sql: string, params?: unknown[]) => {
        if (sql.includes('in_ledger_seq AS seq')) {
          reached();
          await gate;
        }
        return query(sql, params);
      }) as typeof tx.query;
      return fn(tx);
    })) as never);
  const preparing = node.app.get(ReleasesService).prepare(period, NOW);
  const held = await Promise.race([atGate.then(() => true), preparing.then(() => false, () => false)]);
  spy.mockRestore();
  if (!held) throw new Error(`the preparation of ${period} did not reach the ledger (${(await preparing).status})`);
  const [done] = await Promise.allSettled([during()]);
  release();
  return { prepared: await preparing, during: done };
}

const byDataset = (r: PrepareResult, datasetId: string): ReleaseEntity | undefined => r.releases.find((x) => x.datasetId === datasetId);

describe('member node: releases, their decisions and the outbox, under concurrency and failure', () => {
  const keys = `k1:${newKey()}`;
  const hub = new FakeHub();
  let node: NodeTestApp;
  let releases: ReleasesService;
  let pusher: OutboxPusher;
  const status = async (id: string): Promise<string> => (await releases.get(id)).status;
  const outboxRow = async (id: string): Promise<{ status: string; attempts: number; last_error: string | null; due: boolean }> =>
    (await node.dataSource.query('SELECT status, attempts, last_error, next_attempt_at <= now() AS due FROM release_outbox WHERE release_id = $1', [id]))[0];
  /** Prepares a period and approves every table of it. */
  const approvePeriod = async (period: string): Promise<Record<string, ReleaseEntity>> => {
    const out: Record<string, ReleaseEntity> = {};
    for (const r of (await releases.prepare(period, NOW)).releases) out[r.datasetId] = await releases.approve(r.id, MANAGER);
    return out;
  };

  /** A month of `cases` synthetic cases, prepared, approved and pushed to a hub that refuses it: its tables, and the push. */
  const refusedMonth = async (prefix: string, period: string, cases: number): Promise<{ approved: Record<string, ReleaseEntity>; pushed: Awaited<ReturnType<OutboxPusher['pushDue']>> }> => {
    const lastDay = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate(); // day 0 of the next month
    await fill(node, keys, prefix, `${period}-01`, `${period}-${lastDay}`, cases);
    const approved = await approvePeriod(period);
    hub.refuse = (p) => p.period === period;
    const pushed = await pusher.pushDue();
    hub.refuse = () => false;
    return { approved, pushed };
  };

  beforeAll(async () => {
    await hub.start();
    node = await startNodeTestApp({
      CENTRE_ID: CENTRE,
      MEMBER_ID: 'M1',
      NODE_ENCRYPTION_KEYS: keys,
      HUB_URL: hub.url,
      HUB_CLIENT_ID: 'client',
      HUB_CLIENT_SECRET: 's'.repeat(32),
      NODE_SIGNING_KEY: NodeSigningKey.generate().privateKeyPem,
      FEDERATION_JOBS: 'false',
    });
    // the app never listens here, so Nest keeps buffering the lines of its Logger: write them to the node's log
    Logger.flush();
    releases = node.app.get(ReleasesService);
    pusher = node.app.get(OutboxPusher);
  });
  afterAll(async () => {
    await node?.close();
    await hub.stop();
  });

  it('an approval or a hold while the period is prepared again is refused (RELEASE_BUSY), not lost under the new tables; nothing stalls the outbox', async () => {
    await fill(node, keys, 'JUL', '2024-07-01', '2024-07-31', 300);
    const first = await releases.prepare('2024-07', NOW);
    const incidents = byDataset(first, 'incidents_monthly') as ReleaseEntity;
    const services = byDataset(first, 'services_monthly') as ReleaseEntity;
    expect([incidents.status, services.status]).toEqual(['prepared', 'prepared']);
    // late entries: the next preparation replaces both tables
    await fill(node, keys, 'JULLATE', '2024-07-10', '2024-07-20', 40);

    const { prepared, during } = await whilePreparing(node, '2024-07', async () => [
      await releases.approve(incidents.id, MANAGER).catch((e: unknown) => e),
      await releases.hold(services.id, MANAGER, 'check the figures').catch((e: unknown) => e),
    ]);
    const busy = { code: 'CONFLICT', details: { reason: 'RELEASE_BUSY' } };
    expect(during).toMatchObject({ status: 'fulfilled', value: [busy, busy] });
    expect(prepared.status).toBe('prepared');
    const next = byDataset(prepared, 'incidents_monthly') as ReleaseEntity;
    expect(next).toMatchObject({ status: 'prepared', revision: 1 });
    expect([await status(incidents.id), await status(services.id)]).toEqual(['superseded', 'superseded']);
    await expect(releases.approve(incidents.id, MANAGER)).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'RELEASE_NOT_PENDING' } });

    // decisions on one period do not exclude each other
    const approved = await Promise.all(prepared.releases.map((r) => releases.approve(r.id, MANAGER)));
    expect(approved.map((r) => r.status)).toEqual(['approved', 'approved']);
    expect(await pusher.pushDue()).toMatchObject({ delivered: 2, errors: 0, pending: 0 });
    expect(await status(next.id)).toBe('pushed');
    expect(hub.took(incidents)).toBe(false);
  });

  it('a refused release requeued while its period is prepared again is left alone (busy), never deadlocking the preparation; the new tables go instead', async () => {
    const { approved: aug, pushed } = await refusedMonth('AUG', '2024-08', 300);
    expect(pushed).toMatchObject({ refused: 2, pending: 0 });
    await fill(node, keys, 'AUGLATE', '2024-08-05', '2024-08-25', 40);

    // The operator retries both refused tables while the period is prepared again. A requeue that locked
    // one release, then waited for the ledger lock while the preparation held the other: 40P01.
    const { prepared, during } = await whilePreparing(node, '2024-08', () => pusher.requeue([aug.incidents_monthly.id, aug.services_monthly.id], MANAGER));
    expect(during.status).toBe('fulfilled');
    expect(during.status === 'fulfilled' && [...during.value].sort((a, b) => a.releaseId.localeCompare(b.releaseId))).toEqual(
      [aug.incidents_monthly.id, aug.services_monthly.id].sort().map((releaseId) => ({ releaseId, outcome: 'busy' })),
    );
    expect(await outboxRow(aug.incidents_monthly.id)).toMatchObject({ status: 'refused' });
    // both refused tables are replaced (same revision); the old ones can no longer be requeued
    expect(prepared.releases.map((r) => `${r.datasetId} ${r.revision} ${r.status}`)).toEqual(['incidents_monthly 1 prepared', 'services_monthly 1 prepared']);
    expect([await status(aug.incidents_monthly.id), await status(aug.services_monthly.id)]).toEqual(['superseded', 'superseded']);
    expect(await pusher.requeue([aug.incidents_monthly.id], MANAGER)).toEqual([{ releaseId: aug.incidents_monthly.id, outcome: 'superseded' }]);

    for (const r of prepared.releases) await releases.approve(r.id, MANAGER);
    expect(await pusher.pushDue()).toMatchObject({ delivered: 2, errors: 0, pending: 0 });
    expect(hub.took(aug.incidents_monthly)).toBe(false);
  });

  it('a refused suppression table is audited against when its replacement is prepared: no cell the hub saw moves by less than k', async () => {
    const { approved: nov, pushed } = await refusedMonth('NOV', '2023-11', 300);
    expect(pushed).toMatchObject({ refused: 2, pending: 0 });
    // a few late cases: the replacement (same revision: the hub stored nothing) counts them
    await fill(node, keys, 'NOVLATE', '2023-11-10', '2023-11-12', 3);
    const again = byDataset(await releases.prepare('2023-11', NOW), 'incidents_monthly') as ReleaseEntity;
    expect(again).toMatchObject({ status: 'prepared', revision: 1 });
    const cells = (r: ReleaseEntity): Map<string, number | null> => new Map((JSON.parse(r.payload as string) as SubmissionPayload).cells.map((c) => [c.key.join('|'), c.value]));
    const seen = cells(nov.incidents_monthly);
    const next = cells(again);
    const moved = [...next].filter(([key, v]) => {
      const before = seen.get(key);
      return v !== null && before !== null && before !== undefined && v !== before && Math.abs(v - before) < 5;
    });
    // the two tables side by side would tell a case or two apart
    expect(moved).toEqual([]);
    expect(again.contentHash).not.toBe(nov.incidents_monthly.contentHash);
  });

  it('a pending row whose release is no longer approved is failed, never sent; an unexpected error on one row backs it off and the others are pushed', async () => {
    await fill(node, keys, 'SEP', '2024-09-01', '2024-09-30', 300);
    const sep = await approvePeriod('2024-09');
    // the state an approval overtaken by a preparation left behind: superseded, its row still pending
    await node.dataSource.query(`UPDATE releases SET status = 'superseded' WHERE id = $1`, [sep.incidents_monthly.id]);
    expect(await pusher.pushDue()).toMatchObject({ delivered: 1, errors: 1, pending: 0 });
    expect(await outboxRow(sep.incidents_monthly.id)).toMatchObject({ status: 'failed', last_error: 'not sent: the release is superseded, no longer approved' });
    expect(hub.took(sep.incidents_monthly)).toBe(false);
    expect(await status(sep.services_monthly.id)).toBe('pushed');
    expect(await pusher.requeue([sep.incidents_monthly.id], MANAGER)).toEqual([{ releaseId: sep.incidents_monthly.id, outcome: 'superseded' }]);

    await fill(node, keys, 'JUN', '2024-06-01', '2024-06-30', 300);
    const jun = await approvePeriod('2024-06');
    const client = node.app.get<HubClient>(HUB_CLIENT);
    const submit = client.submit.bind(client);
    let thrown = 0;
    const spy = jest.spyOn(client, 'submit').mockImplementation((body) => (thrown++ === 0 ? Promise.reject(new TypeError('Dilnoza Karimova +992 900 000 000')) : submit(body)));
    try {
      expect(await pusher.pushDue()).toMatchObject({ delivered: 1, errors: 1, pending: 1 });
    } finally {
      spy.mockRestore();
    }
    const stuck = Object.values(jun).find((r) => !hub.took(r)) as ReleaseEntity;
    const row = await outboxRow(stuck.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, due: false });
    expect(row.last_error).toBe('error on the node (TypeError); retried after a backoff');
    expect(node.logs.join('')).toContain(`push of release ${stuck.id} failed on the node (TypeError)`);
    expect(node.logs.join('')).not.toContain('Dilnoza');
    expect(await status(stuck.id)).toBe('approved');
    // once its backoff is over it goes as any other row
    await node.dataSource.query(`UPDATE release_outbox SET next_attempt_at = now() WHERE release_id = $1`, [stuck.id]);
    expect(await pusher.pushDue()).toMatchObject({ delivered: 1, errors: 0, pending: 0 });
    expect(await status(stuck.id)).toBe('pushed');
  });

  it('requeue leaves a refused release that was prepared again since (superseded); nothing is sent', async () => {
    const { approved: may } = await refusedMonth('MAY', '2024-05', 200);
    await fill(node, keys, 'MAYLATE', '2024-05-05', '2024-05-25', 30);
    const again = await releases.prepare('2024-05', NOW);
    expect(again.releases.map((r) => `${r.datasetId} ${r.revision} ${r.status}`)).toEqual(['incidents_monthly 1 prepared', 'services_monthly 1 prepared']);
    expect(await status(may.incidents_monthly.id)).toBe('superseded');

    const sent = hub.accepted.length;
    expect(await pusher.requeue([may.incidents_monthly.id], MANAGER)).toEqual([{ releaseId: may.incidents_monthly.id, outcome: 'superseded' }]);
    expect(await outboxRow(may.incidents_monthly.id)).toMatchObject({ status: 'refused' });
    expect(await pusher.pushDue()).toMatchObject({ delivered: 0, errors: 0, pending: 0 });
    expect(hub.accepted.length).toBe(sent);
  });

  it('a refused release re-enters the ledger only if nothing overlapping was approved while it was out, and at a fresh position', async () => {
    await fill(node, keys, 'QA', '2025-01-01', '2025-03-31', 400);
    await fill(node, keys, 'QB', '2024-10-01', '2024-12-31', 400);
    const months: Record<string, Record<string, ReleaseEntity>> = {};
    for (const p of ['2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03']) months[p] = await approvePeriod(p);
    hub.refuse = (p) => p.period === '2025-01' || p.period === '2024-10';
    expect(await pusher.pushDue()).toMatchObject({ delivered: 8, refused: 4 });
    hub.refuse = () => false;
    // the Association adds a quarterly incidents table
    const quarterly = { ...STANDARD.datasets[0], id: 'incidents_quarterly', periodType: 'quarter' as const, dimensions: STANDARD.datasets[0].dimensions.slice(0, 2) };
    await node.app.get(StandardSyncService).store({ ...STANDARD, version: '2026.2', datasets: [...STANDARD.datasets, quarterly] });

    // The first quarter is approved while January is refused: audited without it. January cannot go now.
    const q1 = byDataset(await releases.prepare('2025-Q1', NOW), 'incidents_quarterly') as ReleaseEntity;
    expect((await releases.approve(q1.id, MANAGER)).status).toBe('approved');
    await pusher.pushDue();
    const jan = months['2025-01'];
    expect(await pusher.requeue([jan.incidents_monthly.id, jan.services_monthly.id], MANAGER)).toEqual([
      { releaseId: jan.incidents_monthly.id, outcome: 'stale' },
      // services are another unit: no quarterly table counts them
      { releaseId: jan.services_monthly.id, outcome: 'requeued' },
    ]);
    expect(await releases.get(jan.incidents_monthly.id)).toMatchObject({ status: 'stale', errorCode: 'LEDGER_CHANGED' });
    expect(await pusher.pushDue()).toMatchObject({ delivered: 1, errors: 0, pending: 0 });
    expect(hub.took(jan.incidents_monthly)).toBe(false);
    expect(hub.took(jan.services_monthly)).toBe(true);

    // The fourth quarter is prepared while October is refused, October goes again: it re-enters the ledger
    // after the quarter was prepared, so the quarter, audited without it, is stale at approval.
    const q4 = byDataset(await releases.prepare('2024-Q4', NOW), 'incidents_quarterly') as ReleaseEntity;
    const oct = months['2024-10'];
    expect(await pusher.requeue([oct.incidents_monthly.id], MANAGER)).toEqual([{ releaseId: oct.incidents_monthly.id, outcome: 'requeued' }]);
    const readmitted = await releases.get(oct.incidents_monthly.id);
    expect(readmitted).toMatchObject({ status: 'approved', errorCode: null });
    const [{ max }] = await node.dataSource.query(`SELECT max(in_ledger_seq)::text AS max FROM releases`);
    expect(readmitted.inLedgerSeq).toBe(max);
    expect(await releases.approve(q4.id, MANAGER)).toMatchObject({ status: 'stale', errorCode: 'LEDGER_CHANGED' });
    expect(await pusher.pushDue()).toMatchObject({ delivered: 1, errors: 0, pending: 0 });
    expect(await status(oct.incidents_monthly.id)).toBe('pushed');
    expect(hub.took(q4)).toBe(false);
  });
  // last: it makes newer versions of the standard current
  it('a table prepared under one version of the standard is not approved once the node follows a stricter one: stale (STANDARD_CHANGED), and the next preparation makes it under the new one', async () => {
    await fill(node, keys, 'SV', '2024-02-01', '2024-02-29', 300);
    const sync = node.app.get(StandardSyncService);
    const held = (await sync.current()).standard;
    const stricter = (version: string, k: number): Standard => ({
      ...held,
      version,
      datasets: held.datasets.map((d) => (d.id === 'incidents_monthly' ? { ...d, protection: { ...d.protection, k, protectionRange: k } } : d)),
    });
    const first = byDataset(await releases.prepare('2024-02', NOW), 'incidents_monthly') as ReleaseEntity;
    expect(first).toMatchObject({ status: 'prepared', schemaVersion: held.version });
    await sync.store(stricter('2026.31', 7));
    expect(await releases.approve(first.id, MANAGER)).toMatchObject({ status: 'stale', errorCode: 'STANDARD_CHANGED' });
    expect(await node.dataSource.query('SELECT 1 FROM release_outbox WHERE release_id = $1', [first.id])).toEqual([]);
    const second = byDataset(await releases.prepare('2024-02', NOW), 'incidents_monthly') as ReleaseEntity;
    expect(second).toMatchObject({ status: 'prepared', schemaVersion: '2026.31' });
    // nothing changed in the register, only the standard: the table awaiting a decision is prepared again
    await sync.store(stricter('2026.32', 9));
    const third = byDataset(await releases.prepare('2024-02', NOW), 'incidents_monthly') as ReleaseEntity;
    expect(third).toMatchObject({ status: 'prepared', schemaVersion: '2026.32' });
    expect(await status(second.id)).toBe('superseded');
    expect(await releases.approve(third.id, MANAGER)).toMatchObject({ status: 'approved' });
    for (const c of (JSON.parse(third.payload as string) as SubmissionPayload).cells) if (c.value !== null) expect(c.value === 0 || c.value >= 9).toBe(true);
  });
});
