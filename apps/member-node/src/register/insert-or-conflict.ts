import { QueryFailedError } from 'typeorm';
import { NodeError } from '../common/errors/node.error';

const sqlState = (err: unknown): string | undefined => (err instanceof QueryFailedError ? (err.driverError as { code?: string } | undefined)?.code : undefined);
const isUniqueViolation = (err: unknown): boolean => sqlState(err) === '23505';

/** The unique index a failed insert or update ran into (23505), or undefined for any other error. */
export const uniqueIndexOf = (err: unknown): string | undefined =>
  isUniqueViolation(err) ? (((err as QueryFailedError).driverError as { constraint?: string }).constraint ?? '') : undefined;

/** What a unique index of the register guards, for the error that names it: the fields and why. */
export interface UniqueGuard {
  readonly fields: readonly string[];
  readonly message: string;
}

/**
 * Runs an insert; a unique violation becomes a CONFLICT naming the fields of the index that
 * fired (`byIndex`, by index name; otherwise `field`), never their values. A foreign-key
 * violation (the incident or client it belongs to was removed by someone else after it was
 * looked up, and before this commit) becomes NOT_FOUND / REMOVED_MEANWHILE.
 */
export async function insertOrConflict<T>(insert: () => Promise<T>, reason: string, field: string, byIndex: Readonly<Record<string, UniqueGuard>> = {}): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const index = uniqueIndexOf(err);
      const guard = (index ? byIndex[index] : undefined) ?? { fields: [field], message: `${field} already exists` };
      throw new NodeError('CONFLICT', 'This record already exists in the register', { reason, fields: guard.fields.map((f) => ({ field: f, code: 'DUPLICATE', messages: [guard.message] })) });
    }
    if (sqlState(err) === '23503') throw new NodeError('NOT_FOUND', 'The record this belongs to was removed meanwhile', { reason: 'REMOVED_MEANWHILE' });
    throw err;
  }
}
