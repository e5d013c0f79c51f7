import { ImportIssueEntity } from './import-issue.entity';
import { ImportJobEntity } from './import-job.entity';
import { ImportIssueModel, ImportJobModel } from './models/import.models';

export function toImportJobModel(e: ImportJobEntity): ImportJobModel {
  const total = e.bytesTotal === null ? null : Number(e.bytesTotal);
  const processed = Number(e.bytesProcessed);
  return {
    id: e.id,
    fileName: e.fileName,
    format: e.format,
    status: e.status,
    failure: e.failure,
    contentHash: e.contentHash,
    bytesTotal: total,
    bytesProcessed: processed,
    progress: total ? Math.min(1, processed / total) : null,
    rowsProcessed: e.rowsProcessed,
    rowsValid: e.rowsValid,
    rowsInvalid: e.rowsInvalid,
    rowsDuplicate: e.rowsDuplicate,
    rowsImported: e.rowsImported,
    createdAt: e.createdAt,
  };
}

export function toImportIssueModel(e: ImportIssueEntity): ImportIssueModel {
  return { row: e.rowNumber, field: e.field, column: e.columnName, reason: e.reason };
}
