import { EntityManager } from 'typeorm';
import type { LedgerEntry } from '@paivand/anonymizer';
import type { SubmissionPayload } from '@paivand/schema';
import { LEDGER_STATUSES } from './release.entity';

export interface LedgerRow {
  readonly id: string;
  readonly datasetId: string;
  readonly period: string;
  readonly revision: number;
  readonly status: string;
  readonly contentHash: string;
  readonly payload: SubmissionPayload;
  readonly decidedAt: Date | null;
  readonly seq: number;
}

/** Every release this node approved or pushed (refused ones never reached anyone), oldest first. */
export async function ledgerRows(tx: EntityManager): Promise<LedgerRow[]> {
  const rows: { id: string; dataset_id: string; period: string; revision: number; status: string; content_hash: string; payload: string; decided_at: Date | null; seq: string }[] =
    await tx.query(
      `SELECT id, dataset_id, period, revision, status, content_hash, payload, decided_at, in_ledger_seq AS seq
         FROM releases WHERE status = ANY($1) ORDER BY in_ledger_seq`,
      [LEDGER_STATUSES],
    );
  return rows.map((r) => ({
    id: r.id,
    datasetId: r.dataset_id,
    period: r.period,
    revision: r.revision,
    status: r.status,
    contentHash: r.content_hash,
    payload: JSON.parse(r.payload) as SubmissionPayload,
    decidedAt: r.decided_at,
    seq: Number(r.seq),
  }));
}

/** The ledger as the anonymizer audits against it. */
export function toLedgerEntries(rows: readonly LedgerRow[]): LedgerEntry[] {
  return rows.map((r) => ({
    datasetId: r.datasetId,
    period: r.period,
    revision: r.revision,
    cells: r.payload.cells.map((c) => ({ key: c.key, value: c.value })),
    ...(r.payload.protection.epsilon !== undefined ? { epsilon: r.payload.protection.epsilon } : {}),
  }));
}
