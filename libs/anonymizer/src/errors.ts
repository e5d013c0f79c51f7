/** Stable codes of everything the anonymizer refuses. Messages never carry case data. */
export const ANONYMIZER_ERROR_CODES = [
  'AUDIT_FAILED',
  'BUDGET_EXHAUSTED',
  'INVALID_PERIOD',
  'PERIOD_TYPE_MISMATCH',
  'INVALID_DATASET',
  'LEDGER_INCONSISTENT',
  'LEDGER_UNREADABLE',
  'MISSING_ATTRIBUTE',
  'TABLE_TOO_LARGE',
] as const;
export type AnonymizerErrorCode = (typeof ANONYMIZER_ERROR_CODES)[number];

export class AnonymizerError extends Error {
  constructor(
    readonly code: AnonymizerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AnonymizerError';
  }
}
