import { QueryFailedError } from 'typeorm';
import { NodeError } from '../common/errors/node.error';

function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
}

/** What a unique index of the register guards, for the error that names it: the fields and why. */
export interface UniqueGuard {
  readonly fields: readonly string[];
  readonly message: string;
}

/**
 * Runs an insert; a unique violation becomes a CONFLICT naming the fields of the index that
 * fired (`byIndex`, by index name; otherwise `field`), never their values.
 */
export async function insertOrConflict<T>(insert: () => Promise<T>, reason: string, field: string, byIndex: Readonly<Record<string, UniqueGuard>> = {}): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const index = ((err as QueryFailedError).driverError as { constraint?: string }).constraint;
      const guard = (index !== undefined ? byIndex[index] : undefined) ?? { fields: [field], message: `${field} already exists` };
      throw new NodeError('CONFLICT', 'This record already exists in the register', { reason, fields: guard.fields.map((f) => ({ field: f, code: 'DUPLICATE', messages: [guard.message] })) });
    }
    throw err;
  }
}
