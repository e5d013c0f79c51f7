import { classifyViolence, validateCaseRecord, VIOLENCE_CLASSIFICATION_ORDER } from '@paivand/schema';
import fc from 'fast-check';
import { clientErrors, FieldError, incidentErrors } from './row-validator';

/** The reference: the standard's class-validator rules, reduced to field and code. */
function reference(kind: 'client' | 'incident', plain: Record<string, unknown>): FieldError[] {
  const r = validateCaseRecord(kind, plain);
  return r.valid ? [] : r.errors.map((e) => ({ field: e.field, code: e.code }));
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Mostly valid values, with absent and wrong ones mixed in: the shapes `RowMapper` builds. */
const maybe = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: good, weight: 24 }, { arbitrary: fc.constant(undefined), weight: 1 }, ...bad.map((b) => ({ arbitrary: b, weight: 1 })));

const id = maybe(fc.constantFrom('DSH-2025-00001', 'A1', 'x.y_z-9'), fc.constantFrom('', '-bad', 'a', 'имя', 'a b', 'x'.repeat(65)), fc.string({ maxLength: 8 }));
/** Dates relative to today, so that the rule against dates in the future has both sides to judge. */
const daysFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const THIS_YEAR = new Date().getUTCFullYear();
const date = maybe(
  fc.constantFrom('2024-01-31', '2024-02-29', '2025-03-01', '2025-12-31', '1900-01-01', daysFromNow(-1), daysFromNow(0), daysFromNow(1)),
  fc.constantFrom('2025-02-29', '2025-13-01', '1899-12-31', '31.12.2025', '2025-1-1', 'abc', daysFromNow(2), daysFromNow(3), '2999-12-31'),
);
const code = (good: string[]): fc.Arbitrary<unknown> => maybe(fc.constantFrom(...good), fc.constantFrom('nope', '', 'f', 'UNK '));
const text = (max: number): fc.Arbitrary<unknown> =>
  maybe(fc.string({ maxLength: 20 }), fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(max), 'й'.repeat(max + 1)));
const bool = maybe(fc.boolean());
const types = VIOLENCE_CLASSIFICATION_ORDER as readonly string[];

const client = fc.record({
  clientCode: id,
  sex: code(['F', 'M', 'U']),
  // past years mostly; years after this one (2999 among them) are the rule against the future's bad side
  birthYear: maybe(fc.oneof(fc.integer({ min: 1900, max: THIS_YEAR }), fc.constantFrom(2024, 2025)), fc.constantFrom(1899, 3000, 0, -5, THIS_YEAR + 1, 2999)),
  district: code(['TJ-RA-RUD', 'TJ-SU-KHJ', 'TJ-DU']),
  maritalStatus: code(['UNK', 'single', 'nikoh']),
  migrationStatus: code(['UNK', 'none', 'returnee_migrant']),
  hasDisability: bool,
  registeredOn: date,
  fullName: text(200),
  phone: maybe(fc.constantFrom('+992 90 111 2233', '12345', '(992) 90-1'), fc.constantFrom('abc', '+1', '', '+992 90 111 2233 x')),
  address: text(500),
  dateOfBirth: date,
  notes: text(10_000),
  bornInYear: fc.boolean(),
}).map(({ bornInYear, ...c }) => {
  // Half the rows give a birth date in their birth year, as a register does; the others test the rule.
  if (!bornInYear || !Number.isInteger(c.birthYear) || (c.birthYear as number) < 1900 || (c.birthYear as number) > THIS_YEAR) return c;
  return { ...c, dateOfBirth: `${String(c.birthYear)}-05-17` };
});

const incident = fc.record({
  incidentId: id,
  clientCode: id,
  incidentDate: date,
  reportedDate: date,
  district: code(['TJ-RA-RUD', 'TJ-DU']),
  violenceTypes: maybe(
    fc.uniqueArray(fc.constantFrom(...types), { minLength: 1, maxLength: 6 }),
    fc.constant([]),
    fc.array(fc.constantFrom(...types, 'kicking'), { minLength: 1, maxLength: 8 }),
  ),
  violenceType: code([...types]),
  perpetratorRelationship: code(['UNK', 'intimate_partner', 'no_relation']),
  consent: fc.record({ services: bool, reporting: bool, givenOn: maybe(fc.constant(undefined), date) }).map(defined),
  reportedByOtherMember: bool,
  narrative: text(20_000),
  classified: fc.boolean(),
}).map(({ classified, ...i }) => {
  // Half the rows carry the classification of their types, as the mapper computes it.
  if (!classified || !Array.isArray(i.violenceTypes)) return i;
  try {
    return { ...i, violenceType: classifyViolence(i.violenceTypes as string[]) };
  } catch {
    return i;
  }
});

describe('hand-written import row rules', () => {
  it('agree with validateCaseRecord on generated client rows (fields, codes, order)', () => {
    fc.assert(
      fc.property(client, (c) => {
        const plain = defined(c);
        expect(clientErrors(plain)).toEqual(reference('client', plain));
      }),
      { numRuns: 2000 },
    );
  });

  it('agree with validateCaseRecord on generated incident rows (fields, codes, order)', () => {
    fc.assert(
      fc.property(incident, (i) => {
        const plain = defined(i);
        expect(incidentErrors(plain)).toEqual(reference('incident', plain));
      }),
      { numRuns: 2000 },
    );
  });

  it('find rows valid and invalid (the generators are not one-sided)', () => {
    for (const [arb, check] of [
      [client, clientErrors],
      [incident, incidentErrors],
    ] as const) {
      const valid = fc.sample(arb as fc.Arbitrary<Record<string, unknown>>, 1000).map((r) => check(defined(r)).length === 0);
      expect(valid.filter(Boolean).length).toBeGreaterThan(30);
      expect(valid.filter((v) => !v).length).toBeGreaterThan(30);
    }
  });
});
