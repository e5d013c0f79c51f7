/**
 * Fields of the case record that identify a person or may do so (names, phones,
 * addresses, exact birth dates, free text). A node encrypts them at rest; they never
 * reach the hub, a log line, an error message or a metric. Tests hunt for their values.
 */
export const IDENTIFIABLE_FIELDS_BY_KIND = {
  client: ['fullName', 'phone', 'address', 'dateOfBirth', 'notes'],
  incident: ['narrative'],
  service: ['notes'],
  referral: ['notes'],
  consultation: ['notes'],
} as const;

/** Every identifiable field name, whatever the record kind. */
export const IDENTIFIABLE_FIELDS = ['fullName', 'phone', 'address', 'dateOfBirth', 'notes', 'narrative'] as const;
export type IdentifiableField = (typeof IDENTIFIABLE_FIELDS)[number];

export function isIdentifiableField(name: string): name is IdentifiableField {
  return (IDENTIFIABLE_FIELDS as readonly string[]).includes(name);
}

/** A copy of a record without its identifiable fields (what may be logged or shown in a summary). */
export function withoutIdentifiable<T extends object>(record: T): Omit<T, IdentifiableField> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!isIdentifiableField(k)) out[k] = v;
  return out as Omit<T, IdentifiableField>;
}
