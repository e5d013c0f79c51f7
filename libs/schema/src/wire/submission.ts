import { ProtectionMethod } from '../datasets/dataset';
import { canonicalJson, sha256Hex } from './canonical-json';
import { ConfStatus, ObsStatus } from './status';

/**
 * One published cell: `key` holds one code per dataset dimension, in the dataset's
 * dimension order, with `_T` for a total. A suppressed cell has `value: null`.
 */
export interface SubmissionCell {
  readonly key: readonly string[];
  readonly value: number | null;
  readonly obsStatus: ObsStatus;
  readonly confStatus: ConfStatus;
}

export interface SubmissionProtection {
  readonly method: ProtectionMethod;
  readonly k: number;
  readonly protectionRange: number;
  /** Privacy loss spent by this release (differential privacy only). */
  readonly epsilon?: number;
}

/** What a member node sends: signed, keyed at the hub by (member, dataset, period). */
export interface SubmissionPayload {
  readonly memberId: string;
  readonly datasetId: string;
  readonly schemaVersion: string;
  readonly period: string;
  /** 1 for the first release of a period; each revision of the same period counts up. */
  readonly revision: number;
  /** Dimension ids in key order (must equal the dataset's). */
  readonly dimensions: readonly string[];
  readonly protection: SubmissionProtection;
  readonly cells: readonly SubmissionCell[];
  /** sha256 (hex) of the canonical JSON of `contentOf(payload)`. */
  readonly contentHash: string;
  /** When the node prepared the release (ISO 8601). */
  readonly preparedAt: string;
}

export interface SignedSubmission {
  readonly payload: SubmissionPayload;
  /** Ed25519 signature (base64) over `canonicalJson(payload)`. */
  readonly signature: string;
  /** Id of the member's registered public key. */
  readonly keyId: string;
}

/** The content whose hash decides "same submission again": the table, not its revision or timestamp. */
export function contentOf(p: Omit<SubmissionPayload, 'contentHash'>): unknown {
  return {
    datasetId: p.datasetId,
    schemaVersion: p.schemaVersion,
    period: p.period,
    dimensions: p.dimensions,
    protection: p.protection,
    cells: p.cells,
  };
}

export function contentHashOf(p: Omit<SubmissionPayload, 'contentHash'>): string {
  return sha256Hex(canonicalJson(contentOf(p)));
}

/** The exact bytes that are signed. */
export function signingBytes(p: SubmissionPayload): Buffer {
  return Buffer.from(canonicalJson(p), 'utf8');
}
