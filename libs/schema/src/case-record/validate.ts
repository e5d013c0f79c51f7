import { ValidationError, validateSync } from 'class-validator';
import { StandardIndex } from '../standard';
import { ClientRecord } from './client.record';
import { ConsultationRecord } from './consultation.record';
import { withStandard } from './decorators';
import { ConsentRecord, IncidentRecord } from './incident.record';
import { ReferralRecord, ServiceRecord } from './service.record';

export const CASE_RECORD_CLASSES = {
  client: ClientRecord,
  incident: IncidentRecord,
  service: ServiceRecord,
  referral: ReferralRecord,
  consultation: ConsultationRecord,
} as const;
export type CaseRecordKind = keyof typeof CASE_RECORD_CLASSES;
export const CASE_RECORD_KINDS = Object.keys(CASE_RECORD_CLASSES) as CaseRecordKind[];
export type CaseRecordOf<K extends CaseRecordKind> = InstanceType<(typeof CASE_RECORD_CLASSES)[K]>;

export const CASE_RECORD_ERROR_CODES = [
  'REQUIRED',
  'INVALID_TYPE',
  'UNKNOWN_FIELD',
  'UNKNOWN_CODE',
  'INVALID_DATE',
  'INVALID_FORMAT',
  'OUT_OF_RANGE',
  'DUPLICATE',
  'INVALID_VALUE',
  'DATE_ORDER',
  'CLASSIFICATION_MISMATCH',
  'DATE_IN_FUTURE',
  'INCONSISTENT',
] as const;
export type CaseRecordErrorCode = (typeof CASE_RECORD_ERROR_CODES)[number];

/** One refused field. `message` names the field and the rule, never the value. */
export interface CaseRecordError {
  /** Dotted path, e.g. `consent.reporting`, `violenceTypes.1`. */
  readonly field: string;
  readonly code: CaseRecordErrorCode;
  readonly message: string;
}

export type CaseRecordValidation<K extends CaseRecordKind> =
  | { readonly valid: true; readonly record: CaseRecordOf<K>; readonly errors: readonly [] }
  | { readonly valid: false; readonly record?: undefined; readonly errors: readonly CaseRecordError[] };

/** The stable code of each class-validator constraint: case records here, and every API input of both apps (@paivand/nest-common). */
export const CONSTRAINT_CODE: Readonly<Record<string, CaseRecordErrorCode>> = {
  isDefined: 'REQUIRED',
  whitelistValidation: 'UNKNOWN_FIELD',
  isString: 'INVALID_TYPE',
  isBoolean: 'INVALID_TYPE',
  isInt: 'INVALID_TYPE',
  isArray: 'INVALID_TYPE',
  isObject: 'INVALID_TYPE',
  nestedValidation: 'INVALID_TYPE',
  isCode: 'UNKNOWN_CODE',
  isIsoDate: 'INVALID_DATE',
  matches: 'INVALID_FORMAT',
  isUuid: 'INVALID_FORMAT',
  min: 'OUT_OF_RANGE',
  max: 'OUT_OF_RANGE',
  minLength: 'OUT_OF_RANGE',
  maxLength: 'OUT_OF_RANGE',
  arrayMinSize: 'OUT_OF_RANGE',
  arrayMaxSize: 'OUT_OF_RANGE',
  arrayUnique: 'DUPLICATE',
  isIn: 'INVALID_VALUE',
  isNotBefore: 'DATE_ORDER',
  isNotInFuture: 'DATE_IN_FUTURE',
  isInYear: 'INCONSISTENT',
  matchesClassification: 'CLASSIFICATION_MISMATCH',
};

/** When a field breaks several rules, the first of these is reported. */
const PRIORITY: readonly CaseRecordErrorCode[] = CASE_RECORD_ERROR_CODES;

/** Messages name the field and the rule; they are written here so that no value can slip in. */
function messageFor(field: string, code: CaseRecordErrorCode, constraintArg: unknown): string {
  switch (code) {
    case 'REQUIRED':
      return `${field} is required`;
    case 'INVALID_TYPE':
      return `${field} has the wrong type`;
    case 'UNKNOWN_FIELD':
      return `${field} is not a field of this record`;
    case 'UNKNOWN_CODE':
      return `${field} is not a code of the ${String(constraintArg)} codelist`;
    case 'INVALID_DATE':
      return `${field} must be a calendar date YYYY-MM-DD`;
    case 'INVALID_FORMAT':
      return `${field} has an invalid format`;
    case 'OUT_OF_RANGE':
      return `${field} is out of the allowed range or length`;
    case 'DUPLICATE':
      return `${field} must not repeat a value`;
    case 'INVALID_VALUE':
      return `${field} is not one of the allowed values`;
    case 'DATE_ORDER':
      return `${field} must not be before ${String(constraintArg)}`;
    case 'CLASSIFICATION_MISMATCH':
      return `${field} must be the GBVIMS classification of ${String(constraintArg)}`;
    case 'DATE_IN_FUTURE':
      return `${field} must not be in the future`;
    case 'INCONSISTENT':
      return `${field} must agree with ${String(constraintArg)}`;
  }
}

function collect(errors: readonly ValidationError[], prefix: string, out: CaseRecordError[]): void {
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const names = Object.keys(e.constraints ?? {});
    if (names.length > 0) {
      const codes = names.map((n) => ({ n, code: CONSTRAINT_CODE[n] ?? 'INVALID_VALUE' }));
      codes.sort((a, b) => PRIORITY.indexOf(a.code) - PRIORITY.indexOf(b.code));
      const { n, code } = codes[0];
      const arg = (e.contexts?.[n] as { arg?: unknown } | undefined)?.arg;
      out.push({ field, code, message: messageFor(field, code, arg) });
    }
    if (e.children?.length) collect(e.children, field, out);
  }
}

function instantiate<K extends CaseRecordKind>(kind: K, plain: Record<string, unknown>): CaseRecordOf<K> {
  const record = Object.assign(new CASE_RECORD_CLASSES[kind](), plain) as CaseRecordOf<K>;
  if (kind === 'incident') {
    const consent = plain.consent;
    if (consent !== null && typeof consent === 'object' && !Array.isArray(consent)) {
      (record as IncidentRecord).consent = Object.assign(new ConsentRecord(), consent);
    }
  }
  return record;
}

/**
 * Validates a plain object (JSON, an imported row) as a case record of `kind` against the
 * codelists of `standard` (default: this version's). Unknown fields are refused. The
 * errors name the field and a stable code, never the value.
 */
export function validateCaseRecord<K extends CaseRecordKind>(
  kind: K,
  plain: unknown,
  options: { standard?: StandardIndex } = {},
): CaseRecordValidation<K> {
  if (!(kind in CASE_RECORD_CLASSES)) throw new Error(`unknown case record kind "${String(kind)}"`);
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { valid: false, errors: [{ field: '', code: 'INVALID_TYPE', message: `a ${kind} record must be an object` }] };
  }
  const record = instantiate(kind, plain as Record<string, unknown>);
  const raw = withStandard(options.standard, () =>
    validateSync(record, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    }),
  );
  if (raw.length === 0) return { valid: true, record, errors: [] };
  const errors: CaseRecordError[] = [];
  collect(raw, '', errors);
  return { valid: false, errors };
}
