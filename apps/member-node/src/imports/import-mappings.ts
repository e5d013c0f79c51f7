import type { FieldError } from '@paivand/nest-common';
import { currentStandard } from '@paivand/schema';
import type { ColumnMapEntry, ValueMapEntry } from './dto/import.inputs';
import { booleanWord, CODED_FIELDS, CodedField, wordKey } from './value-dictionary';

const isCoded = (field: string): field is CodedField => field in CODED_FIELDS;

/**
 * What the class-validator rules of `CreateImportInput` cannot see, checked before a job is
 * created: a value mapping must give a code of the field's codelist (or a yes/no word for a
 * yes/no field), and a field has one column mapping, a word of a field one value mapping
 * (else the last would silently win). Paths and codes as the validation pipe reports them;
 * messages name the import field and the rule, never the value or the code given.
 */
export function mappingErrors(columnMapping: readonly ColumnMapEntry[] = [], valueMapping: readonly ValueMapEntry[] = []): FieldError[] {
  const errors: FieldError[] = [];
  const mappedFields = new Set<string>();
  columnMapping.forEach((m, i) => {
    if (mappedFields.has(m.field)) errors.push({ field: `columnMapping.${i}.field`, code: 'DUPLICATE', messages: [`${m.field} is mapped to a column more than once`] });
    mappedFields.add(m.field);
  });
  const mappedWords = new Set<string>();
  valueMapping.forEach((v, i) => {
    if (isCoded(v.field)) {
      const codelist = CODED_FIELDS[v.field];
      if (!currentStandard().hasCode(codelist, v.code)) {
        errors.push({ field: `valueMapping.${i}.code`, code: 'UNKNOWN_CODE', messages: [`code must be a code of the ${codelist} codelist (field ${v.field})`] });
      }
    } else if (booleanWord(v.code) === undefined) {
      errors.push({ field: `valueMapping.${i}.code`, code: 'UNKNOWN_CODE', messages: [`code must be a yes or no word such as yes, no, да, нет (field ${v.field})`] });
    }
    const word = `${v.field}\u0000${wordKey(v.value)}`;
    if (mappedWords.has(word)) errors.push({ field: `valueMapping.${i}.value`, code: 'DUPLICATE', messages: [`this word of ${v.field} is mapped more than once`] });
    mappedWords.add(word);
  });
  return errors;
}
