import { ImportSummary } from '@paivand/schema';
import { ImportSummaryModel, SubmissionModel } from './models/import-summary.model';
import { SubmissionEntity } from './submission.entity';

export function toImportSummaryModel(s: ImportSummary): ImportSummaryModel {
  return {
    status: s.status,
    description: s.description,
    dryRun: s.dryRun,
    counts: { ...s.counts },
    conflicts: s.conflicts.map((c) => ({ code: c.code, object: c.object, message: c.message, cellIndexes: [...c.cellIndexes] })),
    reference: { ...s.reference },
    submissionId: s.submissionId ?? null,
    hubRevision: s.hubRevision ?? null,
  };
}

export function toSubmissionModel(e: SubmissionEntity): SubmissionModel {
  return {
    id: e.id,
    memberId: e.memberId,
    datasetId: e.datasetId,
    period: e.period,
    revision: e.revision,
    schemaVersion: e.schemaVersion,
    contentHash: e.contentHash,
    isCurrent: e.isCurrent,
    cellCount: e.cellCount,
    receivedAt: e.receivedAt,
  };
}
