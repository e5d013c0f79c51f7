import { createHash } from 'node:crypto';

/**
 * What makes an incident "the same" across imports and manual entry: the client's code,
 * the incident date and the classified violence type. Unique per centre.
 */
export function incidentFingerprint(clientCode: string, incidentDate: string, violenceType: string): string {
  return createHash('sha256').update(`${clientCode.toUpperCase()}\u0000${incidentDate}\u0000${violenceType}`).digest('hex');
}

/** A stable incident code for rows that came without one (so a re-import yields the same code). */
export function derivedIncidentCode(fingerprint: string): string {
  return `INC-${fingerprint.slice(0, 16).toUpperCase()}`;
}
