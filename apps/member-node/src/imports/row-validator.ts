import { CaseRecordErrorCode, classifyViolence, currentStandard, isIsoDate, latestRecordDate } from '@paivand/schema';
import { MAX_ADDRESS, MAX_NAME, MAX_NARRATIVE, MAX_NOTES, PHONE_PATTERN, RECORD_ID_PATTERN } from '@paivand/schema/case-record/common';
import { isBoolean, isInt, maxLength } from 'class-validator';

/**
 * The standard's rules for the client and incident of an import row, written out by hand:
 * `validateCaseRecord` (class-validator) costs tens of microseconds per record, which at
 * 100,000 rows is most of an import. Same fields, same codes, same precedence (the first
 * code of `CASE_RECORD_ERROR_CODES` a field breaks), same order (declaration order of the
 * record classes). `validateCaseRecord` stays the reference: `row-validator.spec.ts`
 * checks that both agree on generated good and bad rows of the shapes an import builds.
 */
export interface FieldError {
  readonly field: string;
  readonly code: CaseRecordErrorCode;
}

/** Values of an import row: strings, integers, booleans, arrays of strings; absent = undefined. */
type Plain = Readonly<Record<string, unknown>>;

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Results of `isIsoDate`, per text: a register repeats its dates, and every row checks four or five. Bounded: cleared when full. */
const isoDates = new Map<string, boolean>();

/** `isIsoDate`, remembered. */
export function isIsoDateText(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  let ok = isoDates.get(v);
  if (ok === undefined) {
    ok = isIsoDate(v);
    if (isoDates.size >= 8192) isoDates.clear();
    isoDates.set(v, ok);
  }
  return ok;
}

/**
 * The latest date a record may carry (`latestRecordDate()`, the day after today) and its year,
 * for the rule `IsNotInFuture`. An import takes it once, when it starts (asking the clock for
 * every row cost more than the rest of the date rules).
 */
export interface LatestDate {
  readonly date: string;
  readonly year: number;
}

export function latestDate(now: Date = new Date()): LatestDate {
  const date = latestRecordDate(now);
  return { date, year: Number(date.slice(0, 4)) };
}

function requiredCode(out: FieldError[], o: Plain, field: string, codelist: string): void {
  const v = o[field];
  if (v === undefined || v === null) out.push({ field, code: 'REQUIRED' });
  else if (!isStr(v) || !currentStandard().hasCode(codelist, v)) out.push({ field, code: 'UNKNOWN_CODE' });
}

function requiredId(out: FieldError[], o: Plain, field: string): void {
  const v = o[field];
  if (v === undefined || v === null) out.push({ field, code: 'REQUIRED' });
  else if (!isStr(v)) out.push({ field, code: 'INVALID_TYPE' });
  else if (!RECORD_ID_PATTERN.test(v)) out.push({ field, code: 'INVALID_FORMAT' });
}

function requiredBool(out: FieldError[], o: Plain, field: string, path = field): void {
  const v = o[field];
  if (v === undefined || v === null) out.push({ field: path, code: 'REQUIRED' });
  else if (!isBoolean(v)) out.push({ field: path, code: 'INVALID_TYPE' });
}

function requiredDate(out: FieldError[], o: Plain, field: string): boolean {
  const v = o[field];
  if (v === undefined || v === null) out.push({ field, code: 'REQUIRED' });
  else if (!isIsoDateText(v)) out.push({ field, code: 'INVALID_DATE' });
  else return true;
  return false;
}

function optionalText(out: FieldError[], o: Plain, field: string, max: number): void {
  const v = o[field];
  if (v === undefined || v === null) return;
  if (!isStr(v)) out.push({ field, code: 'INVALID_TYPE' });
  // class-validator's own length rule (code points, as the reference counts them); a text of
  // at most `max` UTF-16 units has at most `max` code points, so only a longer one is counted.
  else if (v.length > max && !maxLength(v, max)) out.push({ field, code: 'OUT_OF_RANGE' });
}

/** `ClientRecord`'s rules. */
export function clientErrors(o: Plain, latestAllowed: LatestDate = latestDate()): FieldError[] {
  const out: FieldError[] = [];
  requiredId(out, o, 'clientCode');
  requiredCode(out, o, 'sex', 'sex');
  // `IsNotInFuture`: a valid date after this one (ISO dates compare as text).
  const { date: latest, year: latestYear } = latestAllowed;
  const by = o.birthYear;
  if (by !== undefined && by !== null) {
    if (!isInt(by)) out.push({ field: 'birthYear', code: 'INVALID_TYPE' });
    else if ((by as number) < 1900 || (by as number) > 2999) out.push({ field: 'birthYear', code: 'OUT_OF_RANGE' });
    else if ((by as number) > latestYear) out.push({ field: 'birthYear', code: 'DATE_IN_FUTURE' });
  }
  requiredCode(out, o, 'district', 'district');
  requiredCode(out, o, 'maritalStatus', 'marital_status');
  requiredCode(out, o, 'migrationStatus', 'migration_status');
  requiredBool(out, o, 'hasDisability');
  if (requiredDate(out, o, 'registeredOn') && (o.registeredOn as string) > latest) out.push({ field: 'registeredOn', code: 'DATE_IN_FUTURE' });
  optionalText(out, o, 'fullName', MAX_NAME);
  const phone = o.phone;
  if (phone !== undefined && phone !== null) {
    if (!isStr(phone)) out.push({ field: 'phone', code: 'INVALID_TYPE' });
    else if (!PHONE_PATTERN.test(phone)) out.push({ field: 'phone', code: 'INVALID_FORMAT' });
  }
  optionalText(out, o, 'address', MAX_ADDRESS);
  const dob = o.dateOfBirth;
  if (dob !== undefined && dob !== null) {
    if (!isIsoDateText(dob)) out.push({ field: 'dateOfBirth', code: 'INVALID_DATE' });
    else if (dob > latest) out.push({ field: 'dateOfBirth', code: 'DATE_IN_FUTURE' });
    // `IsInYear('birthYear')`: only against a birth year that breaks none of its own rules
    else if (Number.isInteger(by) && (by as number) >= 1900 && (by as number) <= latestYear && Number(dob.slice(0, 4)) !== by) {
      out.push({ field: 'dateOfBirth', code: 'INCONSISTENT' });
    }
  }
  optionalText(out, o, 'notes', MAX_NOTES);
  return out;
}

function violenceTypesError(v: unknown): CaseRecordErrorCode | undefined {
  if (v === undefined || v === null) return 'REQUIRED';
  if (!Array.isArray(v)) return 'INVALID_TYPE';
  const types = v as unknown[];
  const std = currentStandard();
  if (!types.every((t) => isStr(t) && std.hasCode('violence_type', t))) return 'UNKNOWN_CODE';
  if (types.length < 1 || types.length > 6) return 'OUT_OF_RANGE';
  if (new Set(types).size !== types.length) return 'DUPLICATE';
  return undefined;
}

/** `IncidentRecord`'s rules (with its nested `ConsentRecord`). */
export function incidentErrors(o: Plain, latestAllowed: LatestDate = latestDate()): FieldError[] {
  const out: FieldError[] = [];
  requiredId(out, o, 'incidentId');
  requiredId(out, o, 'clientCode');
  // `IsNotInFuture`: a valid date after this one (ISO dates compare as text).
  const latest = latestAllowed.date;
  const incidentOk = requiredDate(out, o, 'incidentDate');
  if (incidentOk && (o.incidentDate as string) > latest) out.push({ field: 'incidentDate', code: 'DATE_IN_FUTURE' });
  if (requiredDate(out, o, 'reportedDate')) {
    if (incidentOk && (o.reportedDate as string) < (o.incidentDate as string)) out.push({ field: 'reportedDate', code: 'DATE_ORDER' });
    else if ((o.reportedDate as string) > latest) out.push({ field: 'reportedDate', code: 'DATE_IN_FUTURE' });
  }
  requiredCode(out, o, 'district', 'district');
  const types = o.violenceTypes;
  const typesError = violenceTypesError(types);
  if (typesError) out.push({ field: 'violenceTypes', code: typesError });
  const vt = o.violenceType;
  if (vt === undefined || vt === null) out.push({ field: 'violenceType', code: 'REQUIRED' });
  else if (!isStr(vt) || !currentStandard().hasCode('violence_type', vt)) out.push({ field: 'violenceType', code: 'UNKNOWN_CODE' });
  else if (Array.isArray(types) && types.length > 0) {
    let classified: string | undefined;
    try {
      classified = classifyViolence(types as string[]);
    } catch {
      classified = undefined; // an unknown observed type is reported on the types field
    }
    if (classified !== undefined && classified !== vt) out.push({ field: 'violenceType', code: 'CLASSIFICATION_MISMATCH' });
  }
  requiredCode(out, o, 'perpetratorRelationship', 'perpetrator_relationship');
  const consent = o.consent;
  if (consent === undefined || consent === null) out.push({ field: 'consent', code: 'REQUIRED' });
  else if (typeof consent !== 'object' || Array.isArray(consent)) out.push({ field: 'consent', code: 'INVALID_TYPE' });
  else {
    const c = consent as Plain;
    requiredBool(out, c, 'services', 'consent.services');
    requiredBool(out, c, 'reporting', 'consent.reporting');
    if (c.givenOn !== undefined && c.givenOn !== null) {
      if (!isIsoDateText(c.givenOn)) out.push({ field: 'consent.givenOn', code: 'INVALID_DATE' });
      else if (c.givenOn > latest) out.push({ field: 'consent.givenOn', code: 'DATE_IN_FUTURE' });
    }
  }
  requiredBool(out, o, 'reportedByOtherMember');
  optionalText(out, o, 'narrative', MAX_NARRATIVE);
  return out;
}
