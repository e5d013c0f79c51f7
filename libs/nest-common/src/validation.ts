import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

/** The path of the first string (value or key) holding U+0000 in a plain input value, or null. */
export function nulPath(v: unknown, path: string, depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path : null;
  if (v === null || typeof v !== 'object' || depth > 64) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const at = nulPath(v[i], `${path}.${i}`, depth + 1);
      if (at !== null) return at;
    }
    return null;
  }
  // plain objects only (JSON bodies, GraphQL input objects): never a request, a stream or a principal
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k.includes('\u0000')) return path;
    const at = nulPath(x, path ? `${path}.${k}` : k, depth + 1);
    if (at !== null) return at;
  }
  return null;
}

/**
 * class-validator's pipe, after a refusal of U+0000 anywhere in a body, query, route parameter or
 * GraphQL argument (checked or not by a DTO): Postgres cannot store it in text or jsonb, and the
 * statement's failure was an internal error.
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const at = nulPath(value, metadata.data ?? '');
      if (at !== null) {
        const field = at || metadata.type;
        throw new ApiError('BAD_USER_INPUT', `Invalid input: ${field}`, {
          reason: 'VALIDATION_FAILED',
          fields: [{ field, code: 'INVALID_CHARACTERS', messages: ['holds a NUL character (U+0000)'] }],
        });
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validates every input at the edge, in both apps. The error names the fields, a stable
 * code per field and the rules broken, never the submitted values
 * (`validationError.value: false`).
 */
export function apiValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
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
