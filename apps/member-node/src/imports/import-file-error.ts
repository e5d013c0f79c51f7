/**
 * Why a whole file is refused (as opposed to a row's issue); the job's `failure` holds the
 * reason and any details: field names, header names or a row number, never file content.
 */
export class ImportFileError extends Error {
  constructor(
    readonly reason: 'FILE_TOO_LARGE' | 'MALFORMED_FILE' | 'MISSING_COLUMNS' | 'DUPLICATE_COLUMNS' | 'ENCODING_NOT_UTF8' | 'EMPTY_FILE',
    readonly details: string[] = [],
  ) {
    super(reason);
    this.name = 'ImportFileError';
  }
}
