import { ValidationError, ValidationPipe } from '@nestjs/common';
import { HubError } from './errors/hub.error';

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every input at the edge. The error names the fields and the rules broken,
 * never the submitted values (`validationError.value: false`).
 */
export function hubValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new HubError('BAD_USER_INPUT', `Invalid input: ${fields.map((f) => f.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields });
    },
  });
}
