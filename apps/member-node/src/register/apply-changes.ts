import { NodeError } from '../common/errors/node.error';

/** A correction that gives null for a field the record requires: BAD_USER_INPUT, REQUIRED on each, before anything is written. */
export function refuseCleared<K extends string>(input: Partial<Record<K, unknown>>, fields: readonly K[]): void {
  const cleared = fields.filter((f) => input[f] === null);
  if (cleared.length > 0) {
    throw new NodeError('BAD_USER_INPUT', `Invalid input: ${cleared.join(', ')}`, {
      reason: 'VALIDATION_FAILED',
      fields: cleared.map((f) => ({ field: f, code: 'REQUIRED', messages: [`${f} cannot be cleared`] })),
    });
  }
}

/**
 * A correction's non-identifiable fields copied onto a record: a field absent from the input
 * stays; null clears a field listed in `clearable` and is refused for the others (refuseCleared).
 * Returns the names of the fields that changed, for the access log (never their values).
 */
export function applyChanges<E extends object, K extends keyof E & string>(record: E, input: Partial<Record<K, unknown>>, fields: readonly K[], clearable: readonly K[] = []): string[] {
  refuseCleared(input, fields.filter((f) => !clearable.includes(f)));
  const changed: string[] = [];
  for (const f of fields) {
    const v = input[f];
    if (v === undefined || record[f] === v) continue;
    record[f] = v as E[K];
    changed.push(f);
  }
  return changed;
}
