import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PushConflict')
export class ImportConflictModel {
  @Field() code!: string;
  @Field() object!: string;
  @Field() message!: string;
  @Field(() => [Int]) cellIndexes!: number[];
}

@ObjectType('HubImportSummary', { description: "The hub's answer to a pushed release." })
export class ImportSummaryModel {
  @Field() status!: string;
  @Field() description!: string;
  @Field(() => Int) imported!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) ignored!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => [ImportConflictModel]) conflicts!: ImportConflictModel[];
  @Field(() => String, { nullable: true }) submissionId!: string | null;
}

@ObjectType('OutboxEntry')
export class OutboxModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) releaseId!: string;
  @Field() datasetId!: string;
  @Field() period!: string;
  @Field(() => Int) revision!: number;
  @Field({ description: 'pending, delivered, refused (the hub answered ERROR) or failed (needs an operator)' }) status!: string;
  @Field(() => Int) attempts!: number;
  @Field() nextAttemptAt!: Date;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => ImportSummaryModel, { nullable: true }) summary!: ImportSummaryModel | null;
}

@ObjectType('Release')
export class ReleaseModel {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'Tables prepared together, protected as one system.' }) batchId!: string;
  @Field() datasetId!: string;
  @Field() period!: string;
  @Field() periodType!: string;
  @Field(() => Int) revision!: number;
  @Field({ description: 'prepared, held, approved, pushed, refused, blocked (the anonymizer refused), superseded or stale' }) status!: string;
  @Field() schemaVersion!: string;
  @Field(() => String, { nullable: true }) contentHash!: string | null;
  @Field() preparedAt!: Date;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, { nullable: true }) decidedBy!: string | null;
  @Field(() => String, { nullable: true }) holdReason!: string | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) errorMessage!: string | null;
}

@ObjectType('CodeLabel')
export class CodeLabelModel {
  @Field() dimension!: string;
  @Field() code!: string;
  @Field() tg!: string;
  @Field() ru!: string;
  @Field() en!: string;
}

@ObjectType('PreviewCell')
export class PreviewCellModel {
  @Field(() => [String]) key!: string[];
  @Field(() => [CodeLabelModel]) labels!: CodeLabelModel[];
  @Field(() => Int, { nullable: true }) value!: number | null;
  @Field({ description: 'SDMX OBS_STATUS: A normal, E estimated (differential privacy: noised), Q suppressed' }) obsStatus!: string;
  @Field({ description: 'SDMX CONF_STATUS: F free, C withheld by this node (a small count or a cell hidden to protect one: the report counts each, the cells do not tell which)' }) confStatus!: string;
}

@ObjectType('LeftOut')
export class LeftOutModel {
  @Field(() => Int) noConsent!: number;
  @Field(() => Int) outsidePeriod!: number;
  @Field(() => Int) reportedByOtherMember!: number;
  @Field(() => Int) missingOrUnknownCode!: number;
  @Field(() => Int, { description: "Records beyond a subject's contribution cap (differential privacy only)." }) overContributionCap!: number;
}

@ObjectType('ProtectionReport')
export class ProtectionReportModel {
  @Field() method!: string;
  @Field() rule!: string;
  @Field(() => Int) k!: number;
  @Field(() => Int) protectionRange!: number;
  @Field(() => Int) recordsCounted!: number;
  @Field(() => LeftOutModel) leftOut!: LeftOutModel;
  @Field(() => Int) cellsTotal!: number;
  @Field(() => Int) cellsPublished!: number;
  @Field(() => Int) cellsPrimary!: number;
  @Field(() => Int) cellsSecondary!: number;
  @Field(() => Int, { description: 'Total true value hidden by secondary suppression.' }) informationLossValue!: number;
  @Field(() => Int) cellsAudited!: number;
  @Field(() => Float, { nullable: true, description: 'Narrowest interval an adversary can prove for a hidden cell (null: none hidden).' }) minIntervalWidth!: number | null;
  @Field(() => Int) linearPrograms!: number;
  @Field() auditPassed!: boolean;
  @Field(() => Float, { nullable: true, description: 'Privacy loss this release spends (differential privacy only).' }) epsilon!: number | null;
  @Field(() => Float, { nullable: true, description: "The dataset's budget of the year left once this release is approved (differential privacy only)." }) epsilonRemaining!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Records counted each as a client of its own (consultations of callers who gave no caller code): for them differential privacy holds per record, not per person (differential privacy only).',
  })
  anonymousRecords!: number | null;
}

@ObjectType('ReleasePreview', { description: 'Exactly what will leave the centre.' })
export class ReleasePreviewModel {
  @Field(() => ReleaseModel) release!: ReleaseModel;
  @Field(() => String, { nullable: true, description: 'The payload bytes that are signed and pushed (canonical JSON).' }) payload!: string | null;
  @Field(() => [CodeLabelModel], { description: 'Dimension names in key order (code = dimension id).' }) dimensions!: CodeLabelModel[];
  @Field(() => [PreviewCellModel]) cells!: PreviewCellModel[];
  @Field(() => ProtectionReportModel, { nullable: true }) report!: ProtectionReportModel | null;
  @Field(() => OutboxModel, { nullable: true }) outbox!: OutboxModel | null;
}

@ObjectType('PrepareResult')
export class PrepareResultModel {
  @Field() period!: string;
  @Field() periodType!: string;
  @Field({ description: 'prepared, nothing, busy, blocked or failed (an error stopped this period; errorCode says which)' }) status!: string;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => [ReleaseModel]) releases!: ReleaseModel[];
}

@ObjectType('LedgerEntry')
export class LedgerEntryModel {
  @Field(() => ID) releaseId!: string;
  @Field() datasetId!: string;
  @Field() period!: string;
  @Field(() => Int) revision!: number;
  @Field() status!: string;
  @Field() contentHash!: string;
  @Field(() => Int) cellsPublished!: number;
  @Field(() => Int) cellsSuppressed!: number;
  @Field(() => Float, { nullable: true, description: 'Differential privacy budget this release spent (null: suppression).' }) epsilon!: number | null;
  @Field(() => Date, { nullable: true }) approvedAt!: Date | null;
}

@ObjectType('RequeueResult')
export class RequeueResultModel {
  @Field(() => ID) releaseId!: string;
  @Field({
    description:
      'requeued (signed again with the current key), superseded (the release was replaced or went stale since: left alone), stale (refused, and an overlapping release was approved meanwhile: now stale, prepare the period again), blocked (refused differential-privacy table whose budget was spent meanwhile), not_retryable (pending or delivered: left alone), member_changed (names another member than MEMBER_ID: prepare the period again), busy (its period is being prepared: left alone, retry once it is done), not_in_outbox (never approved) or no_such_release',
  })
  outcome!: string;
}

@ObjectType('PushResult')
export class PushResultModel {
  @Field(() => Int) delivered!: number;
  @Field(() => Int) refused!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) unreachable!: number;
  @Field(() => Int, { description: 'Rows not sent because of an error on the node: they wait for their backoff (or are failed when their release is no longer approved).' }) errors!: number;
  @Field(() => Int) pending!: number;
}
