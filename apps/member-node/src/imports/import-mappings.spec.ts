import { mappingErrors } from './import-mappings';

describe('mappingErrors', () => {
  it('takes codes of the field’s codelist and yes/no words for yes/no fields', () => {
    expect(
      mappingErrors(
        [{ field: 'clientCode', column: 'Шифр' }, { field: 'district', column: 'Место' }, { field: 'incidentDistrict', column: 'Место' }],
        [
          { field: 'sex', value: 'woman', code: 'F' },
          { field: 'violenceTypes', value: 'бил муж', code: 'physical_assault' },
          { field: 'incidentDistrict', value: 'Центр', code: 'TJ-RA-VAH' },
          { field: 'consentServices', value: 'согласна', code: 'yes' },
          { field: 'hasDisability', value: '-', code: 'нет' },
        ],
      ),
    ).toEqual([]);
  });

  it('refuses a code the field’s codelist lacks and a yes/no field mapped to something else, naming the field, not the value', () => {
    const errors = mappingErrors([], [
      { field: 'consentServices', value: 'Синтетика', code: 'maybe' },
      { field: 'sex', value: 'woman', code: 'female' },
      { field: 'perpetratorRelationship', value: 'свекровь', code: 'F' },
    ]);
    expect(errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'valueMapping.0.code', code: 'UNKNOWN_CODE' },
      { field: 'valueMapping.1.code', code: 'UNKNOWN_CODE' },
      { field: 'valueMapping.2.code', code: 'UNKNOWN_CODE' },
    ]);
    expect(errors[1].messages.join(' ')).toContain('sex');
    for (const secret of ['Синтетика', 'maybe', 'female']) expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it('refuses two column mappings of one field and two value mappings of one word', () => {
    const errors = mappingErrors(
      [{ field: 'clientCode', column: 'Шифр' }, { field: 'clientCode', column: 'Код' }],
      [
        { field: 'sex', value: 'Жена', code: 'F' },
        { field: 'sex', value: ' жена ', code: 'U' },
        { field: 'perpetratorRelationship', value: 'жена', code: 'intimate_partner' },
      ],
    );
    expect(errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'columnMapping.1.field', code: 'DUPLICATE' },
      { field: 'valueMapping.1.value', code: 'DUPLICATE' },
    ]);
  });
});
