import { canonicalJson, SubmissionPayload } from '@paivand/schema';
import { NodeSigningKey } from '../federation/signing-key';

/**
 * The exact bytes pushed to the hub: the canonical JSON of the SignedSubmission, written
 * around the payload bytes the manager previewed (fixed at preparation), so the payload
 * leaves the centre byte for byte as it was shown. Keys in canonical order: keyId, payload, signature.
 */
export function signedBody(payloadJson: string, key: NodeSigningKey): string {
  const payload = JSON.parse(payloadJson) as SubmissionPayload;
  if (canonicalJson(payload) !== payloadJson) throw new Error('stored payload is not canonical JSON');
  const signature = key.sign(payload);
  return `{"keyId":${JSON.stringify(key.keyId)},"payload":${payloadJson},"signature":${JSON.stringify(signature)}}`;
}

/** The member id a prepared payload carries (null without a payload). */
export function payloadMember(payload: string | null): string | null {
  return payload === null ? null : ((JSON.parse(payload) as { memberId?: string }).memberId ?? null);
}

/** The payload bytes inside a signed body (what the preview showed). */
export function payloadBytesOf(body: string): string {
  const start = body.indexOf('"payload":') + '"payload":'.length;
  const end = body.lastIndexOf(',"signature":');
  return body.slice(start, end);
}
