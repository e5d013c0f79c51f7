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
  /** True counts of the cells the table hides, where kept (ReleaseEntity.withheld): node-only. */
  readonly withheld: readonly { key: readonly string[]; value: number }[] | null;
  readonly decidedAt: Date | null;
  readonly seq: number;
}

/** Releases matching `where` (SQL over alias `r`, $1 = the ledger's statuses), oldest approval first. */
async function releaseRows(tx: EntityManager, where: string): Promise<LedgerRow[]> {
  const rows: {
    id: string;
    dataset_id: string;
    period: string;
    revision: number;
    status: string;
    content_hash: string;
    payload: string;
    withheld: { key: string[]; value: number }[] | null;
    decided_at: Date | null;
    seq: string;
  }[] = await tx.query(
      `SELECT id, dataset_id, period, revision, status, content_hash, payload, withheld, decided_at, in_ledger_seq AS seq
         FROM releases r WHERE ${where} ORDER BY in_ledger_seq`,
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
    withheld: r.withheld,
    decidedAt: r.decided_at,
    seq: Number(r.seq),
  }));
}

/** Every release this node approved or pushed (refused ones never reached anyone), oldest first. */
export function ledgerRows(tx: EntityManager): Promise<LedgerRow[]> {
  return releaseRows(tx, 'status = ANY($1)');
}

/**
 * A release out of the ledger (SQL over alias `r`, `statuses` = the placeholder of the ledger's
 * statuses) whose payload the hub was sent all the same: its outbox row has an answer or an
 * attempt (a refused release, replaced since or not). Its figures were seen.
 */
export const sentOutOfLedger = (statuses: string): string =>
  `(NOT (status = ANY(${statuses})) AND EXISTS (SELECT 1 FROM release_outbox o WHERE o.release_id = r.id AND (o.summary IS NOT NULL OR o.attempts > 0)))`;

/**
 * Suppression tables out of the ledger the hub was sent all the same (`sentOutOfLedger`), oldest
 * approval first. Not in the ledger (no revision is numbered after them, nothing waits for them),
 * but audited against: a replacement of a refused table published beside it would tell, cell by
 * cell, what changed in between. (A differential-privacy table's epsilon is counted apart.)
 */
export function sentOutOfLedgerRows(tx: EntityManager): Promise<LedgerRow[]> {
  return releaseRows(tx, `payload IS NOT NULL AND payload::jsonb -> 'protection' -> 'epsilon' IS NULL AND ${sentOutOfLedger('$1')}`);
}

/**
 * What the anonymizer audits a preparation against: the ledger, and the suppression tables sent out
 * of it (refused by the hub: its operator saw them) for a table and period of which nothing was
 * published, the latest sent of each (a first release refused: its replacement is audited against
 * it). Where a revision was published, that one is linked, not a later one the hub refused: the
 * anonymizer links one revision per table and period, and the public holds the published one (March
 * as first published beside a quarter that counts entries of a refused March revision must stay
 * LEDGER_INCONSISTENT until a March revision is published).
 */
export function auditEntries(ledger: readonly LedgerRow[], sent: readonly LedgerRow[]): LedgerEntry[] {
  const tableOf = (r: LedgerRow): string => `${r.datasetId}\u0000${r.period}`;
  const published = new Set(ledger.map(tableOf));
  const last = new Map<string, LedgerRow>();
  for (const r of [...sent].sort((a, b) => a.seq - b.seq)) if (!published.has(tableOf(r))) last.set(tableOf(r), r);
  // in the order they were approved: the anonymizer reads a revision's epochs from it (system.ts)
  return toLedgerEntries([...ledger, ...last.values()].sort((a, b) => a.seq - b.seq));
}

/** The ledger as the anonymizer audits against it. */
export function toLedgerEntries(rows: readonly LedgerRow[]): LedgerEntry[] {
  const keyOf = (key: readonly string[]): string => key.join('\u0000');
  return rows.map((r) => {
    const withheld = new Map((r.withheld ?? []).map((c) => [keyOf(c.key), c.value]));
    return {
      datasetId: r.datasetId,
      period: r.period,
      revision: r.revision,
      cells: r.payload.cells.map((c) => {
        const kept = c.value === null ? withheld.get(keyOf(c.key)) : undefined;
        return { key: c.key, value: c.value, ...(kept !== undefined ? { withheld: kept } : {}) };
      }),
      ...(r.payload.protection.epsilon !== undefined ? { epsilon: r.payload.protection.epsilon } : {}),
      // the protection it was made under: a later standard's stricter one applies to what is published after it
      protection: { k: r.payload.protection.k, protectionRange: r.payload.protection.protectionRange },
    };
  });
}
