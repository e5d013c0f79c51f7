import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CONSTRAINT_CODE } from '@paivand/schema';
import { ApiError } from './errors/api-error';

export interface FieldError {
  field: string;
  /** The same codes as `validateCaseRecord` in @paivand/schema uses (CONSTRAINT_CODE). */
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
