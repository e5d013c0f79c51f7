/** Why a whole file is refused (as opposed to a row's issue); the job's `failure` holds the reason and any fields. */
export class ImportFileError extends Error {
  constructor(
    readonly reason: 'FILE_TOO_LARGE' | 'MALFORMED_FILE' | 'MISSING_COLUMNS' | 'EMPTY_FILE',
    readonly fields: string[] = [],
  ) {
    super(reason);
    this.name = 'ImportFileError';
  }
}
