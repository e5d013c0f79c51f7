import { createHash } from 'node:crypto';
import { ageOn } from '@paivand/schema';

/**
 * A client code as the register keeps it: in capitals. Codes are case-insensitive (`qa-0001`
 * is `QA-0001`), and are stored, looked up, imported and compared in this one form.
 */
export function clientCodeOf(code: string): string {
  return code.toUpperCase();
}

/**
 * A hotline caller's code as the register keeps it: in capitals, as client codes. Differential
 * privacy caps each caller's contribution by it, so `h-17` and `H-17` must be one caller.
 */
export function callerCodeOf(code: string): string {
  return code.toUpperCase();
}

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

/** An incident date (ISO) before the client's date of birth, or before her birth year when only that is known: a negative age (`ageOn`). */
export function incidentBeforeBirth(incidentDate: unknown, birthYear: unknown, dateOfBirth?: unknown): boolean {
  if (typeof incidentDate !== 'string') return false;
  const age = ageOn({ birthYear: typeof birthYear === 'number' ? birthYear : undefined, dateOfBirth: typeof dateOfBirth === 'string' ? dateOfBirth : undefined }, incidentDate);
  return age !== undefined && age < 0;
}
