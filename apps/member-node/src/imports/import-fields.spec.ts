import { resolveColumns } from './import-fields';

describe('resolveColumns', () => {
  it('finds fields by their names and aliases, and fields the user mapped to headers the file lacks', () => {
    const r = resolveColumns(['Код клиента', 'Пол', 'Шифр'], { district: 'Место' });
    expect(r.columns).toEqual({ clientCode: 0, sex: 1 });
    expect(r.missingHeaders).toEqual(['district']);
    expect(r.duplicateHeaders).toEqual([]);
  });

  it('names a header that two columns share when a field reads it', () => {
    expect(resolveColumns(['Код клиента', 'Примечание', 'примечание '], {}).duplicateHeaders).toEqual(['Примечание']);
    expect(resolveColumns(['Шифр', 'Дата', 'Шифр'], { clientCode: 'шифр' }).duplicateHeaders).toEqual(['Шифр']);
  });

  it('ignores shared headers no field reads', () => {
    const r = resolveColumns(['N', 'Код клиента', 'N', '', ''], {});
    expect(r.duplicateHeaders).toEqual([]);
    expect(r.columns).toEqual({ clientCode: 1 });
  });
});
