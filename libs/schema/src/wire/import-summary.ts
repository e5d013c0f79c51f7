/**
 * The hub's answer to a submission, in the manner of DHIS2's import summary.
 */
export const IMPORT_STATUS = ['SUCCESS', 'WARNING', 'ERROR'] as const;
export type ImportStatus = (typeof IMPORT_STATUS)[number];

export const IMPORT_ERROR_CODES = [
  'SIGNATURE_INVALID',
  'KEY_UNKNOWN',
  'MEMBER_MISMATCH',
  'MEMBER_SUSPENDED',
  'DATASET_UNKNOWN',
  'SCHEMA_VERSION_UNKNOWN',
  'PERIOD_INVALID',
  'PERIOD_TYPE_MISMATCH',
  'PERIOD_IN_FUTURE',
  'DIMENSIONS_MISMATCH',
  'CODE_UNKNOWN',
  'CELL_DUPLICATE',
  'CELL_MISSING',
  'COUNT_INVALID',
  'STATUS_INVALID',
  'SMALL_CELL_UNFLAGGED',
  'K_TOO_LOW',
  'PROTECTION_RANGE_TOO_LOW',
  'EPSILON_TOO_HIGH',
  'BUDGET_EXHAUSTED',
  'MARGIN_MISMATCH',
  'SUPPRESSION_DISCLOSED',
  'CONTENT_HASH_MISMATCH',
  'REVISION_CONFLICT',
  'PAYLOAD_INVALID',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export interface ImportConflict {
  readonly code: ImportErrorCode;
  /** What the conflict is about: `cell`, `payload`, `signature`, `member`, `revision`... */
  readonly object: string;
  readonly message: string;
  /** Indexes into `payload.cells` (empty when the conflict is not about cells). */
  readonly cellIndexes: readonly number[];
}

export interface ImportCounts {
  readonly imported: number;
  readonly updated: number;
  readonly ignored: number;
  readonly rejected: number;
}

export interface ImportSummary {
  readonly status: ImportStatus;
  readonly description: string;
  readonly dryRun: boolean;
  readonly counts: ImportCounts;
  readonly conflicts: readonly ImportConflict[];
  readonly reference: {
    readonly memberId: string;
    readonly datasetId: string;
    readonly period: string;
    readonly revision: number;
  };
  /** Id of the stored submission (absent on dry runs and errors). */
  readonly submissionId?: string;
  /**
   * With REVISION_CONFLICT: the highest revision of this period the hub holds for the member. A node
   * whose own records are behind the hub's (restored from an older backup) numbers its next revision above it.
   */
  readonly hubRevision?: number;
}
