import { CodelistId } from '../codelists/codelist';
import { Labels } from '../i18n';
import { PeriodType } from '../period';

/** What a dataset counts. */
export type DatasetUnit = 'incident' | 'service' | 'client' | 'consultation';

/**
 * Attributes a reportable record may carry: coded, generalized values only. The names
 * are the `attribute` a dimension reads. No attribute can hold an identifier.
 */
export const RECORD_ATTRIBUTES = [
  'sex',
  'age_band',
  'district',
  'violence_type',
  'perpetrator_relationship',
  'service_type',
  'service_outcome',
  'referral_source',
  'referral_destination',
  'migration_status',
  'marital_status',
  'hotline_topic',
  'caller_sex',
] as const;
export type RecordAttribute = (typeof RECORD_ATTRIBUTES)[number];

export interface DimensionDecl {
  /** Dimension id as it appears in published tables (e.g. `region`). */
  readonly id: string;
  /** Codelist of the published codes. */
  readonly codelist: CodelistId;
  /**
   * Record attribute the value comes from. When the attribute's codelist is a child of
   * `codelist` (district -> region), the value is generalized up the hierarchy.
   */
  readonly attribute: RecordAttribute;
  readonly label: Labels;
}

export type ProtectionMethod = 'suppression' | 'differential_privacy';

export interface DifferentialPrivacyPolicy {
  /** Privacy loss of one release of one period. */
  readonly epsilonPerRelease: number;
  /**
   * Budget per member per calendar year, across all of its differential-privacy datasets (one client
   * can be in several: her loss is the sum): a release of this dataset is refused once the member's
   * spending of the year would pass it.
   */
  readonly annualEpsilon: number;
  /** Most records one client may contribute to one period's table (contributions are capped). */
  readonly maxContributionsPerClient: number;
}

export interface ProtectionPolicy {
  readonly method: ProtectionMethod;
  /** Primary suppression threshold: counts 1..k-1 are not published. */
  readonly k: number;
  /** Whether zeros are structural (safe to publish); otherwise zeros are protected too. */
  readonly structuralZeros: boolean;
  /** At the hub: a combined cell shown to researchers, the Ombudsman or the public needs this many members. */
  readonly minContributors: number;
  /** Minimum width of the interval an adversary can prove for a suppressed cell (default k). */
  readonly protectionRange?: number;
  /**
   * The same for a suppressed cell whose true count is zero (default: `protectionRange`).
   * Declared for zeros (1: a hidden zero cannot be proven to be zero). The anonymizer keeps the
   * full `protectionRange` for every hidden cell anyway: a rule that asks less of a zero tells it by
   * its narrower interval. Kept in the document for the versions that declare it.
   */
  readonly zeroProtectionRange?: number;
  readonly differentialPrivacy?: DifferentialPrivacyPolicy;
}

export interface DatasetDecl {
  readonly id: string;
  readonly title: Labels;
  readonly description: Labels;
  readonly unit: DatasetUnit;
  /** What the measure counts, e.g. "new incidents with reporting consent". */
  readonly measure: { readonly id: string; readonly label: Labels };
  readonly periodType: PeriodType;
  /** Days after the period ends by which a member's release is due. */
  readonly dueDays: number;
  readonly dimensions: readonly DimensionDecl[];
  readonly protection: ProtectionPolicy;
  /** Whether the Association publishes the combined table to the public. */
  readonly public: boolean;
}

/** The protection range a suppressed cell must keep (default: k). */
export function protectionRangeOf(p: ProtectionPolicy): number {
  return p.protectionRange ?? p.k;
}

/** The protection range a suppressed zero must keep (default: the full range; never more than it). */
export function zeroProtectionRangeOf(p: ProtectionPolicy): number {
  return Math.min(p.zeroProtectionRange ?? protectionRangeOf(p), protectionRangeOf(p));
}

/**
 * A record as the anonymizer sees it: no name, phone, address, free text, exact date or
 * exact age can be expressed in this type. `month` is the SDMX month of the event;
 * `subject` is an opaque per-extract pseudonym of the client (for contribution caps).
 */
export interface ReportableRecord {
  readonly unit: DatasetUnit;
  readonly month: string;
  readonly subject: string;
  /**
   * True when `subject` stands for this record alone (a hotline caller who gave no caller code): the
   * contribution cap cannot bind her across records, so for her differential privacy holds per record.
   */
  readonly anonymous?: boolean;
  readonly consentReporting: boolean;
  readonly reportedByOtherMember: boolean;
  readonly attributes: Readonly<Partial<Record<RecordAttribute, string>>>;
}
