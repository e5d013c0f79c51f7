import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { contentHashOf, SignedSubmission, signingBytes, STANDARD, StandardIndex, SubmissionCell, SubmissionPayload, TOTAL_CODE } from '@paivand/schema';
import { MembersService } from '../../src/members/members.service';
import { CURRENT_VERSION_TTL_MS, StandardsService } from '../../src/standards/standards.service';
import { HubTestApp } from './hub-test-app';

export interface TestNode {
  memberId: string;
  keyId: string;
  privateKey: KeyObject;
  clientId: string;
  clientSecret: string;
  token: string;
}

let seq = 0;

/** An admitted member with credentials and a key, signed in as its node through HTTP. */
export async function admitTestMember(hub: HubTestApp, region = 'TJ-DU'): Promise<TestNode> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const r = await hub.dataSource.transaction((tx) =>
    hub.app.get(MembersService).insertAdmitted(
      tx,
      { name: `Test centre ${++seq} ${Date.now()}`, centreType: 'crisis_centre', region, district: null, contactEmail: `c${seq}@example.test` },
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  );
  const res = await hub.gql('mutation($i: NodeTokenInput!) { nodeToken(input: $i) { accessToken memberId } }', {
    i: { clientId: r.credentials.clientId, clientSecret: r.credentials.clientSecret },
  });
  const token = res.data?.nodeToken?.accessToken as string;
  if (!token) throw new Error(JSON.stringify(res.errors));
  return { memberId: r.member.id, keyId: r.key.keyId, privateKey, ...r.credentials, token };
}

const std = new StandardIndex(STANDARD);

/** A full services_monthly table (inner cells and margins) from inner values; null = suppressed. */
export function servicesCells(inner: (type: string, outcome: string) => number | null): SubmissionCell[] {
  const types = [...std.codes('service_type'), TOTAL_CODE];
  const outcomes = [...std.codes('service_outcome'), TOTAL_CODE];
  const cells: SubmissionCell[] = [];
  for (const t of types) {
    for (const o of outcomes) {
      let value: number | null;
      if (t !== TOTAL_CODE && o !== TOTAL_CODE) value = inner(t, o);
      else {
        let sum = 0;
        for (const tt of types.slice(0, -1)) {
          if (t !== TOTAL_CODE && tt !== t) continue;
          for (const oo of outcomes.slice(0, -1)) {
            if (o !== TOTAL_CODE && oo !== o) continue;
            const v = inner(tt, oo);
            sum += v ?? Number.NaN;
          }
        }
        value = Number.isNaN(sum) ? null : sum;
      }
      cells.push(value === null ? { key: [t, o], value: null, obsStatus: 'Q', confStatus: 'A' } : { key: [t, o], value, obsStatus: 'A', confStatus: 'F' });
    }
  }
  return cells;
}

/**
 * Makes current a later version of the standard in which these datasets' zeros are structural, so that
 * members may publish zeros in them (the hub refuses a published zero of a dataset whose zeros are
 * protected, unless the whole table is zero). The Association cannot publish that (protected zeros made
 * structural weaken the protection: STANDARD_INCOMPATIBLE), so the version is stored as a hub set up with
 * it would hold it, and the hub reads it at once. Returns the version.
 */
export async function publishStructuralZeros(hub: HubTestApp, datasetIds: readonly string[], version = '2026.2'): Promise<string> {
  const d = JSON.parse(JSON.stringify(STANDARD)) as { version: string; datasets: { id: string; protection: { structuralZeros: boolean } }[] };
  d.version = version;
  for (const ds of d.datasets) if (datasetIds.includes(ds.id)) ds.protection.structuralZeros = true;
  await hub.dataSource.transaction(async (tx) => {
    await tx.query(`UPDATE standard_versions SET is_current = false WHERE is_current`);
    await tx.query(`INSERT INTO standard_versions (version, document, is_current) VALUES ($1, $2::jsonb, true)`, [version, JSON.stringify(d)]);
  });
  // past the time the hub trusts its idea of the current version
  await hub.app.get(StandardsService).current(Date.now() + CURRENT_VERSION_TTL_MS);
  return version;
}

export function sign_(node: Pick<TestNode, 'memberId' | 'keyId' | 'privateKey'>, over: Partial<Omit<SubmissionPayload, 'contentHash'>> & { cells: SubmissionCell[] }, hashOverride?: string): SignedSubmission {
  const base: Omit<SubmissionPayload, 'contentHash'> = {
    memberId: node.memberId,
    datasetId: 'services_monthly',
    schemaVersion: STANDARD.version,
    period: '2025-03',
    revision: 1,
    dimensions: ['service_type', 'service_outcome'],
    protection: { method: 'suppression', k: 5, protectionRange: 5 },
    preparedAt: '2025-04-02T08:00:00Z',
    ...over,
  };
  const payload: SubmissionPayload = { ...base, contentHash: hashOverride ?? contentHashOf(base) };
  return { payload, signature: sign(null, signingBytes(payload), node.privateKey).toString('base64'), keyId: node.keyId };
}

export const SUBMIT = `mutation($s: JSON!, $d: Boolean) { submitRelease(submission: $s, dryRun: $d) {
  status description dryRun counts { imported updated ignored rejected } conflicts { code object message cellIndexes } submissionId hubRevision } }`;

/** The import summary of a submission sent with `node`'s token (a GraphQL error throws: the tests read summaries). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- summaries are checked field by field
export async function submitAs(hub: HubTestApp, node: Pick<TestNode, 'token'>, s: unknown, dryRun = false): Promise<any> {
  const res = await hub.gql(SUBMIT, { s, d: dryRun }, node.token);
  if (!res.data?.submitRelease) throw new Error(JSON.stringify(res.errors));
  return res.data.submitRelease;
}

/** The codes of an import summary's conflicts, in order. */
export const conflictCodes = (summary: { conflicts: { code: string }[] }): string[] => summary.conflicts.map((c) => c.code);

export const STATISTICS = `query($q: StatisticsQueryInput!) { statistics(query: $q) { audience cells { period memberId key value obsStatus confStatus } } }`;

/** The statistics answer for `token` (undefined: the public) to `q`, by default over services_monthly in 2025-03 (a GraphQL error throws). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
export async function statisticsAs(hub: HubTestApp, token: string | undefined, q: Record<string, unknown>): Promise<any> {
  const res = await hub.gql(STATISTICS, { q: { datasetId: 'services_monthly', from: '2025-03', to: '2025-03', ...q } }, token);
  if (!res.data?.statistics) throw new Error(JSON.stringify(res.errors));
  return res.data.statistics;
}
