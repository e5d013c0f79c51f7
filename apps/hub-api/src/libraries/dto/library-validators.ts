import { currentStandard, IsCode } from '@paivand/schema';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Only code-shaped values are named back in a message, never free text. */
const CODE_SHAPE = /^[A-Za-z0-9_.-]{1,64}$/;

function unknownCodes(value: unknown, known: (code: string) => boolean): string[] {
  return ([] as unknown[]).concat(value).filter((v): v is string => typeof v === 'string' && CODE_SHAPE.test(v) && !known(v));
}

/** A code (each code, with `{ each: true }`) of the library_theme codelist; the message names the unknown ones. */
export function IsLibraryTheme(options?: ValidationOptions): PropertyDecorator {
  return IsCode('library_theme', {
    ...options,
    message: ({ property, value }: ValidationArguments) => {
      const unknown = unknownCodes(value, (c) => currentStandard().hasCode('library_theme', c));
      return unknown.length > 0 ? `${property}: not in the library_theme codelist: ${unknown.join(', ')}` : `${property} must be a code of the library_theme codelist`;
    },
  });
}

/** The id (each id, with `{ each: true }`) of a dataset of the standard; the message names the unknown ones. */
export function IsDatasetId(options?: ValidationOptions): PropertyDecorator {
  const known = (id: string): boolean => currentStandard().dataset(id) !== undefined;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDatasetId',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property, value }: ValidationArguments) => {
          const unknown = unknownCodes(value, known);
          return unknown.length > 0 ? `${property}: not a dataset of the standard: ${unknown.join(', ')}` : `${property} must be a dataset id of the standard`;
        },
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && known(value) },
    });
}

/** A localized title with at least one of tg, ru, en. */
export function HasSomeTitle(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasSomeTitle',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'give a title in at least one of tg, ru, en', ...options },
      validator: {
        validate: (value: unknown) => {
          const t = (value ?? {}) as { tg?: unknown; ru?: unknown; en?: unknown };
          return [t.tg, t.ru, t.en].some((s) => typeof s === 'string' && s.length > 0);
        },
      },
    });
}

/** Not given together with `otherField` (one or the other). */
export function NotWith(otherField: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [otherField],
      options: { message: `give $property or ${otherField}, not both`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const other = (args.object as Record<string, unknown>)[otherField];
          return value === undefined || value === null || other === undefined || other === null;
        },
      },
    });
}
