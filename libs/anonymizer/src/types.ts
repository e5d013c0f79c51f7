import { DatasetDecl, DatasetUnit, ProtectionMethod, ReportableRecord, StandardIndex, SubmissionCell } from '@paivand/schema';

/** One cell this node already released (value `null` when it was suppressed). */
export interface LedgerCell {
  readonly key: readonly string[];
  readonly value: number | null;
  /**
   * A suppressed cell's true count, where the node kept it (`ProtectedRelease.withheld`; never
   * published). A revision of the release then knows how many entries were added to the cell
   * since, and protects that number only where it is 1 to k-1 (see suppress.ts).
   */
  readonly withheld?: number;
}

/** What this node already released: the audit treats it as published. */
export interface LedgerEntry {
  readonly datasetId: string;
  readonly period: string;
  readonly revision: number;
  readonly cells: readonly LedgerCell[];
  /** Privacy loss the release spent (differential privacy only). */
  readonly epsilon?: number;
  /**
   * The protection the release was made under (its payload's). Its hidden cells are held to that
   * range, not to a wider one a later standard asks: what it published around them cannot be taken
   * back, so they could never be widened, and every release linked to it would be refused. A later
   * standard's k and range apply to what is published after it. Absent: the dataset's current one.
   */
  readonly protection?: { readonly k: number; readonly protectionRange: number };
}

/** Source of cryptographically random bytes (injectable for tests); default node:crypto randomBytes. */
export type RandomBytes = (n: number) => Uint8Array;

export interface ProtectReleaseInput {
  readonly standard: StandardIndex;
  /** Tables released together from one extract: protected as ONE system. */
  readonly datasets: readonly DatasetDecl[];
  /** SDMX period of the release (`2026-07`, `2026-Q3`, `2026`); must match every dataset's period type. */
  readonly period: string;
  readonly records: Iterable<ReportableRecord> | AsyncIterable<ReportableRecord>;
  /**
   * Everything this node already released (all datasets, periods, revisions), in the order it
   * released them, oldest first: a revision is audited with the counts each earlier release of
   * its months saw in their day (`LinkGroup.epochs`).
   */
  readonly ledger?: readonly LedgerEntry[];
  /** Differential privacy already spent per dataset id per year, on top of what the ledger records. */
  readonly dpBudget?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly random?: RandomBytes;
  /** Largest table (cells with margins) accepted; default 2,000,000. */
  readonly maxCells?: number;
  /**
   * Largest linked system (cells) whose repair rounds re-run Gauss suppression; a larger one
   * hides each round's extra cells on top of the pattern instead (see suppress.ts). Default 5,000.
   */
  readonly regaussMaxCells?: number;
  /** Called after every audit of the secondary suppression (a large month takes many rounds): counts only, never a value. */
  readonly onProgress?: (progress: SuppressionProgress) => void;
}

/** Where the secondary suppression of one linked system (one unit) stands after an audit. */
export interface SuppressionProgress {
  readonly unit: DatasetUnit;
  /** Repair rounds done before this audit (0: the audit of Gauss suppression's first pattern). */
  readonly round: number;
  /** Cells of the current release in the system, and how many of them are hidden now. */
  readonly cells: number;
  readonly hidden: number;
  /** Hidden cells this audit showed narrower than their protection range (more suppression follows). */
  readonly failing: number;
  /** The audit was complete and nothing failed: the suppression is done. */
  readonly passed: boolean;
}

export interface ProtectedTable {
  readonly datasetId: string;
  readonly period: string;
  /** Dimension ids in key order. */
  readonly dimensions: readonly string[];
  readonly method: ProtectionMethod;
  /** Every combination of codes and `_T` totals, in a deterministic order (codes in codelist order, `_T` last). */
  readonly cells: readonly SubmissionCell[];
  /** Privacy loss spent (differential privacy only). */
  readonly epsilon?: number;
}

export interface LeftOut {
  readonly noConsent: number;
  readonly outsidePeriod: number;
  readonly reportedByOtherMember: number;
  readonly missingOrUnknownCode: number;
  /** Records beyond a client's cap (differential privacy only). */
  readonly overContributionCap: number;
}

export interface AuditResult {
  /** Suppressed cells whose interval was computed (this release and the linked ledger). */
  readonly cellsAudited: number;
  /** Narrowest interval found over every audited cell (Infinity when nothing is suppressed). */
  readonly minIntervalWidth: number;
  readonly linearPrograms: number;
  readonly passed: boolean;
}

export interface DatasetReport {
  readonly datasetId: string;
  readonly method: ProtectionMethod;
  /** Human-readable rule, e.g. "suppression: counts 1..4 and zeros hidden, ...". */
  readonly rule: string;
  readonly k: number;
  readonly protectionRange: number;
  readonly recordsCounted: number;
  readonly leftOut: LeftOut;
  readonly cells: {
    readonly total: number;
    readonly published: number;
    readonly primary: number;
    readonly secondary: number;
  };
  /** Cells suppressed for protection of others (secondary): their number and total true value. */
  readonly informationLoss: { readonly cells: number; readonly value: number };
  readonly audit: AuditResult;
  readonly epsilon?: number;
  /** DP budget of the year left after this release. */
  readonly epsilonRemaining?: number;
  /** Differential privacy: counted records whose subject is their own (anonymous callers), protected per record, not per person. */
  readonly anonymousRecords?: number;
}

export interface ProtectionReport {
  readonly period: string;
  readonly datasets: readonly DatasetReport[];
}

/**
 * The true counts of the cells a suppression table hides: for the node's own ledger only
 * (`LedgerCell.withheld`), never for the hub, a preview or a log. Kept apart from the
 * tables, so that a payload built from a table cannot carry them.
 */
export interface WithheldCounts {
  readonly datasetId: string;
  readonly cells: readonly { readonly key: readonly string[]; readonly value: number }[];
}

export interface ProtectedRelease {
  readonly tables: readonly ProtectedTable[];
  readonly report: ProtectionReport;
  /** Per suppression table, the true counts of its hidden cells (see WithheldCounts). */
  readonly withheld: readonly WithheldCounts[];
}
