import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const RELEASE_STATUSES = ['prepared', 'held', 'approved', 'pushed', 'refused', 'blocked', 'superseded', 'stale'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Statuses whose figures have left (or are about to leave) the centre: the release ledger. */
export const LEDGER_STATUSES: readonly ReleaseStatus[] = ['approved', 'pushed'];

/**
 * One protected table of one period and revision. `payload` holds the exact bytes that
 * will be signed and pushed (canonical JSON of the SubmissionPayload), fixed at preparation.
 */
@Entity({ name: 'releases' })
@Check('releases_status_check', `status IN ('prepared','held','approved','pushed','refused','blocked','superseded','stale')`)
@Check('releases_payload_check', `status IN ('blocked','superseded','stale') OR (payload IS NOT NULL AND content_hash IS NOT NULL)`)
@Index('releases_live_revision_key', ['datasetId', 'period', 'revision'], {
  unique: true,
  where: `status IN ('prepared','held','approved','pushed','refused')`,
})
@Index('releases_period_idx', ['periodType', 'period'])
export class ReleaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Tables prepared together (one protectRelease call, one protected system). */
  @Column({ name: 'batch_id', type: 'uuid' })
  batchId!: string;

  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;

  @Column({ type: 'text' })
  period!: string;

  @Column({ name: 'period_type', type: 'text' })
  periodType!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  status!: ReleaseStatus;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  @Column({ type: 'text', nullable: true })
  payload!: string | null;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash!: string | null;

  /** sha256 of the aggregated register rows the table was computed from: detects late entries. */
  @Column({ name: 'input_fingerprint', type: 'text' })
  inputFingerprint!: string;

  @Column({ type: 'jsonb', nullable: true })
  report!: Record<string, unknown> | null;

  /**
   * The true counts of the cells a suppression table hides (`ProtectedRelease.withheld`): for the
   * anonymizer's audit of this table's revisions only (release-ledger.ts). Never pushed, never
   * shown; not loaded with the row.
   */
  @Column({ type: 'jsonb', nullable: true, select: false })
  withheld?: { key: string[]; value: number }[] | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** Ledger position when prepared: approval refuses a release prepared against an older ledger. */
  @Column({ name: 'ledger_seq', type: 'bigint', default: 0 })
  ledgerSeq!: string;

  /** Position of this release in the ledger (set at approval). */
  @Column({ name: 'in_ledger_seq', type: 'bigint', nullable: true })
  inLedgerSeq!: string | null;

  @Column({ name: 'prepared_at', type: 'timestamptz', default: () => 'now()' })
  preparedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'hold_reason', type: 'text', nullable: true })
  holdReason!: string | null;
}
