import { propertyRule } from '@paivand/schema';
import { publishedStandard } from '../../standards/published-standard';
import { ValidationArguments, ValidationOptions } from 'class-validator';

/** Only code-shaped values are named back in a message, never free text. */
const CODE_SHAPE = /^[A-Za-z0-9_.-]{1,64}$/;

function unknownCodes(value: unknown, known: (code: string) => boolean): string[] {
  return ([] as unknown[]).concat(value).filter((v): v is string => typeof v === 'string' && CODE_SHAPE.test(v) && !known(v));
}

/** A code (each code, with `{ each: true }`) of the published standard's library_theme codelist; the message names the unknown ones. */
export function IsLibraryTheme(options?: ValidationOptions): PropertyDecorator {
  const known = (c: string): boolean => publishedStandard().hasCode('library_theme', c);
  return propertyRule(
    'isCode',
    ({ property, value }: ValidationArguments) => {
      const unknown = unknownCodes(value, known);
      return unknown.length > 0 ? `${property}: not in the library_theme codelist: ${unknown.join(', ')}` : `${property} must be a code of the library_theme codelist`;
    },
    (value) => typeof value === 'string' && known(value),
    options,
    'library_theme',
  );
}

/** The id (each id, with `{ each: true }`) of a dataset of the published standard; the message names the unknown ones. */
export function IsDatasetId(options?: ValidationOptions): PropertyDecorator {
  const known = (id: string): boolean => publishedStandard().dataset(id) !== undefined;
  return propertyRule(
    'isDatasetId',
    ({ property, value }: ValidationArguments) => {
      const unknown = unknownCodes(value, known);
      return unknown.length > 0 ? `${property}: not a dataset of the standard: ${unknown.join(', ')}` : `${property} must be a dataset id of the standard`;
    },
    (value) => typeof value === 'string' && known(value),
    options,
  );
}

/** A localized title with at least one of tg, ru, en. */
export function HasSomeTitle(options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'hasSomeTitle',
    'give a title in at least one of tg, ru, en',
    (value) => {
      const t = (value ?? {}) as { tg?: unknown; ru?: unknown; en?: unknown };
      return [t.tg, t.ru, t.en].some((v) => typeof v === 'string' && v.length > 0);
    },
    options,
  );
}

/** Not given together with `otherField` (one or the other). */
export function NotWith(otherField: string, options?: ValidationOptions): PropertyDecorator {
  return propertyRule(
    'notWith',
    `give $property or ${otherField}, not both`,
    (value, object) => value === undefined || value === null || object[otherField] === undefined || object[otherField] === null,
    options,
  );
}
