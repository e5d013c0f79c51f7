import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './errors/api-error';

/** Stable per-field codes, the same as `validateCaseRecord` in @paivand/schema uses. */
const CONSTRAINT_CODE: Readonly<Record<string, string>> = {
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
};

export interface FieldError {
  field: string;
  code: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const names = Object.keys(e.constraints ?? {});
    const own = names.length > 0 ? [{ field, code: CONSTRAINT_CODE[names[0]] ?? 'INVALID_VALUE', messages: Object.values(e.constraints ?? {}) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every input at the edge, in both apps. The error names the fields, a stable
 * code per field and the rules broken, never the submitted values
 * (`validationError.value: false`).
 */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new ApiError('BAD_USER_INPUT', `Invalid input: ${fields.map((f) => f.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields });
    },
  });
}
