import { QueryFailedError } from 'typeorm';
import { NodeError } from '../common/errors/node.error';

function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
}

/** Runs an insert; a unique violation (the same code recorded again) becomes a CONFLICT naming the field, never its value. */
export async function insertOrConflict<T>(insert: () => Promise<T>, reason: string, field: string): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new NodeError('CONFLICT', 'This record already exists in the register', { reason, fields: [{ field, code: 'DUPLICATE', messages: [`${field} already exists`] }] });
    }
    throw err;
  }
}
