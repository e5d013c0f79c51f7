import { StandardIndex, SubmissionPayload } from '@paivand/schema';
import type { DatasetReport } from '@paivand/anonymizer';
import { OutboxEntity } from '../outbox/outbox.entity';
import { LedgerRow } from './release-ledger';
import { ReleaseEntity } from './release.entity';
import { CodeLabelModel, LedgerEntryModel, OutboxModel, ReleaseModel, ReleasePreviewModel } from './models/release.models';
import { ProtectionReportModel } from './models/release.models';

export function toReleaseModel(r: ReleaseEntity): ReleaseModel {
  return {
    id: r.id,
    batchId: r.batchId,
    datasetId: r.datasetId,
    period: r.period,
    periodType: r.periodType,
    revision: r.revision,
    status: r.status,
    schemaVersion: r.schemaVersion,
    contentHash: r.contentHash,
    preparedAt: r.preparedAt,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    holdReason: r.holdReason,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
  };
}

export function toOutboxModel(o: OutboxEntity): OutboxModel {
  const s = o.summary;
  return {
    id: o.id,
    releaseId: o.releaseId,
    datasetId: o.datasetId,
    period: o.period,
    revision: o.revision,
    status: o.status,
    attempts: o.attempts,
    nextAttemptAt: o.nextAttemptAt,
    lastError: o.lastError,
    deliveredAt: o.deliveredAt,
    summary: s
      ? {
          status: s.status,
          description: s.description,
          ...s.counts,
          conflicts: s.conflicts.map((c) => ({ code: c.code, object: c.object, message: c.message, cellIndexes: [...c.cellIndexes] })),
          submissionId: s.submissionId ?? null,
        }
      : null,
  };
}

function toReportModel(r: DatasetReport): ProtectionReportModel {
  return {
    method: r.method,
    rule: r.rule,
    k: r.k,
    protectionRange: r.protectionRange,
    recordsCounted: r.recordsCounted,
    leftOut: {
      noConsent: r.leftOut.noConsent,
      outsidePeriod: r.leftOut.outsidePeriod,
      reportedByOtherMember: r.leftOut.reportedByOtherMember,
      missingOrUnknownCode: r.leftOut.missingOrUnknownCode,
      overContributionCap: r.leftOut.overContributionCap ?? 0,
    },
    cellsTotal: r.cells.total,
    cellsPublished: r.cells.published,
    cellsPrimary: r.cells.primary,
    cellsSecondary: r.cells.secondary,
    informationLossValue: r.informationLoss.value,
    cellsAudited: r.audit.cellsAudited,
    minIntervalWidth: r.audit.minIntervalWidth,
    linearPrograms: r.audit.linearPrograms,
    auditPassed: r.audit.passed,
    epsilon: r.epsilon ?? null,
    epsilonRemaining: r.epsilonRemaining ?? null,
    anonymousRecords: r.anonymousRecords ?? null,
  };
}

/** Every cell of the payload with its codes' labels in tg/ru/en: what the manager approves. */
export function toPreviewModel(r: ReleaseEntity, standard: StandardIndex, outbox: OutboxEntity | null): ReleasePreviewModel {
  const payload = r.payload ? (JSON.parse(r.payload) as SubmissionPayload) : null;
  const ds = standard.dataset(r.datasetId);
  const dims = ds?.dimensions ?? [];
  const label = (dimIndex: number, code: string): CodeLabelModel => {
    const dim = dims[dimIndex];
    const dimension = dim?.id ?? payload?.dimensions[dimIndex] ?? '?';
    if (code === '_T') return { dimension, code, tg: 'Ҳамагӣ', ru: 'Всего', en: 'Total' };
    const l = (lang: 'tg' | 'ru' | 'en'): string => (dim ? (standard.label(dim.codelist, code, lang) ?? code) : code);
    return { dimension, code, tg: l('tg'), ru: l('ru'), en: l('en') };
  };
  return {
    release: toReleaseModel(r),
    payload: r.payload,
    dimensions: (payload?.dimensions ?? []).map((id, i) => ({ dimension: id, code: id, tg: dims[i]?.label.tg ?? id, ru: dims[i]?.label.ru ?? id, en: dims[i]?.label.en ?? id })),
    cells: (payload?.cells ?? []).map((c) => ({ key: [...c.key], labels: c.key.map((code, i) => label(i, code)), value: c.value, obsStatus: c.obsStatus, confStatus: c.confStatus })),
    report: r.report ? toReportModel(r.report as unknown as DatasetReport) : null,
    outbox: outbox ? toOutboxModel(outbox) : null,
  };
}

export function toLedgerModel(r: LedgerRow): LedgerEntryModel {
  const suppressed = r.payload.cells.filter((c) => c.value === null).length;
  return {
    releaseId: r.id,
    datasetId: r.datasetId,
    period: r.period,
    revision: r.revision,
    status: r.status,
    contentHash: r.contentHash,
    cellsPublished: r.payload.cells.length - suppressed,
    cellsSuppressed: suppressed,
    epsilon: r.payload.protection.epsilon ?? null,
    approvedAt: r.decidedAt,
  };
}
