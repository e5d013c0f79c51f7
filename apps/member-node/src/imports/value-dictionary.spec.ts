import { ValueDictionary } from './value-dictionary';

describe('ValueDictionary', () => {
  const dict = new ValueDictionary();

  it('maps Russian and Tajik words for violence types to GBVIMS codes', () => {
    expect(dict.code('violenceTypes', 'физическое насилие')).toBe('physical_assault');
    expect(dict.code('violenceTypes', 'Зӯроварии ҷисмонӣ')).toBe('physical_assault');
    expect(dict.code('violenceTypes', 'зўроварии ҷисмонӣ')).toBe('physical_assault');
    expect(dict.code('violenceTypes', 'Психологическое насилие')).toBe('psychological_emotional_abuse');
    expect(dict.code('violenceTypes', 'зӯроварии иқтисодӣ')).toBe('denial_of_resources_opportunities_or_services');
    expect(dict.code('violenceTypes', 'Изнасилование')).toBe('rape');
    expect(dict.codes('violenceTypes', 'побои; угрозы')).toEqual({ codes: ['physical_assault', 'psychological_emotional_abuse'], unknown: false });
    expect(dict.codes('violenceTypes', 'побои; что-то ещё').unknown).toBe(true);
  });

  it('maps sex, relationships, districts and yes/no words in three languages', () => {
    expect(dict.code('sex', 'Жен.')).toBe('F');
    expect(dict.code('sex', 'зан')).toBe('F');
    expect(dict.code('sex', 'Мард')).toBe('M');
    expect(dict.code('perpetratorRelationship', 'Свекровь')).toBe('mother_in_law');
    expect(dict.code('perpetratorRelationship', 'шавҳар')).toBe('intimate_partner');
    expect(dict.code('district', 'город Худжанд')).toBe('TJ-SU-KHJ');
    expect(dict.code('district', 'Худжанд')).toBe('TJ-SU-KHJ');
    expect(dict.code('district', 'TJ-SU-KHJ')).toBe('TJ-SU-KHJ');
    expect(dict.boolean('consentReporting', 'ҳа')).toBe(true);
    expect(dict.boolean('consentReporting', 'Нет')).toBe(false);
    expect(dict.boolean('consentReporting', 'maybe')).toBeUndefined();
  });

  it("lets the user's own mapping override the default", () => {
    const custom = new ValueDictionary({ violenceTypes: { 'бил муж': 'physical_assault' }, sex: { ж: 'U' } });
    expect(custom.code('violenceTypes', 'Бил муж')).toBe('physical_assault');
    expect(custom.code('sex', 'ж')).toBe('U');
  });
});

describe('ValueDictionary: yes/no symbols', () => {
  const dict = new ValueDictionary();

  it('reads "-" (and the dashes a spreadsheet puts for it) as no, as it reads "+" as yes', () => {
    for (const no of ['-', ' - ', '–', '—', '−']) expect(dict.boolean('consentReporting', no)).toBe(false);
    for (const yes of ['+', 'x', 'х', 'v', '✓', '✔']) expect(dict.boolean('consentReporting', yes)).toBe(true);
    expect(dict.boolean('consentReporting', '?')).toBeUndefined();
    expect(dict.boolean('consentReporting', '--')).toBeUndefined();
  });

  it("takes a user's mapping of a symbol", () => {
    const custom = new ValueDictionary({ hasDisability: { '-': 'да', '*': 'yes' } });
    expect(custom.boolean('hasDisability', '-')).toBe(true);
    expect(custom.boolean('hasDisability', '*')).toBe(true);
    expect(custom.boolean('consentReporting', '-')).toBe(false);
  });
});
