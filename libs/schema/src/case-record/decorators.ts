import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { CodelistId } from '../codelists/codelist';
import { classifyViolence } from '../codelists/violence-type';
import { StandardIndex } from '../standard';

let defaultIndex: StandardIndex | undefined;
let activeIndex: StandardIndex | undefined;

/** The standard that `IsCode` checks against: the one given to `validateCaseRecord`, else this version's. */
export function currentStandard(): StandardIndex {
  return activeIndex ?? (defaultIndex ??= new StandardIndex());
}

/** Runs `fn` (synchronously) with `IsCode` checking against `index` (e.g. a standard pulled from the hub). */
export function withStandard<T>(index: StandardIndex | undefined, fn: () => T): T {
  const previous = activeIndex;
  activeIndex = index ?? previous;
  try {
    return fn();
  } finally {
    activeIndex = previous;
  }
}

/**
 * A class-validator rule on one property, the shape every rule here (and the apps' own)
 * shares: `holds(value, object)` says whether the value passes (the object gives the other
 * fields a cross-field rule reads). `arg` is the codelist or other field the rule names:
 * it becomes the constraint and the context `validateCaseRecord` writes its message from.
 */
export function propertyRule(
  name: string,
  message: string | ((args: ValidationArguments) => string),
  holds: (value: unknown, object: Record<string, unknown>) => boolean,
  options?: ValidationOptions,
  arg?: string,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      ...(arg !== undefined ? { constraints: [arg] } : {}),
      options: { message, ...(arg !== undefined ? { context: { arg } } : {}), ...options },
      validator: { validate: (value: unknown, args: ValidationArguments) => holds(value, args.object as Record<string, unknown>) },
    });
}

/** The value (or each value, with `{ each: true }`) is a code of the codelist. */
export function IsCode(codelist: CodelistId, options?: ValidationOptions): PropertyDecorator {
  return propertyRule('isCode', `$property must be a code of the ${codelist} codelist`, (value) => typeof value === 'string' && currentStandard().hasCode(codelist, value), options, codelist);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), years 1900..2999. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return propertyRule('isIsoDate', '$property must be a date YYYY-MM-DD', (value) => isIsoDate(value), options);
}

/**
 * Today's date (UTC) plus one day, `YYYY-MM-DD`: the latest date a record may carry. One day
 * ahead because a centre records in its own time zone (Tajikistan is UTC+5) while the
 * server may run on UTC.
 */
export function latestRecordDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A date, or a year, that is not in the future (see latestRecordDate); skipped when the
 * value is neither a valid date nor an integer (its own rule reports that).
 */
export function IsNotInFuture(options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'isNotInFuture',
    '$property must not be in the future',
    (value) => {
      const latest = latestRecordDate();
      if (isIsoDate(value)) return value <= latest;
      return !Number.isInteger(value) || (value as number) <= Number(latest.slice(0, 4));
    },
    options,
  );
}

/** A date whose year is the integer in `yearField` when both are given and plausible (skipped otherwise). */
export function IsInYear(yearField: string, options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'isInYear',
    `$property must fall in ${yearField}`,
    (value, object) => {
      const year = object[yearField];
      // a year that breaks its own rules is reported there, not twice
      if (!isIsoDate(value) || !Number.isInteger(year) || (year as number) < 1900 || (year as number) > Number(latestRecordDate().slice(0, 4))) return true;
      return Number(value.slice(0, 4)) === year;
    },
    options,
    yearField,
  );
}

/** This date is on or after the date in `otherField` (skipped when either is not a valid date). */
export function IsNotBefore(otherField: string, options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'isNotBefore',
    `$property must not be before ${otherField}`,
    (value, object) => {
      const other = object[otherField];
      return !isIsoDate(value) || !isIsoDate(other) || value >= other;
    },
    options,
    otherField,
  );
}

/** The classified type equals the GBVIMS classification of the observed types in `typesField`. */
export function MatchesClassification(typesField: string, options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'matchesClassification',
    `$property must be the GBVIMS classification of ${typesField}`,
    (value, object) => {
      const types = object[typesField];
      if (!Array.isArray(types) || types.length === 0) return true; // reported on the types field
      try {
        return classifyViolence(types as string[]) === value;
      } catch {
        return true; // an unknown observed type is reported on the types field
      }
    },
    options,
    typesField,
  );
}
