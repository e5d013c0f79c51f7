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

  it('matches Tajik words typed on a Russian keyboard (х for ҳ, ч for ҷ, к for қ, г for ғ, и for ӣ, у for ӯ), and bare district names', () => {
    expect(dict.code('violenceTypes', 'ЧИСМОНИ')).toBe('physical_assault');
    expect(dict.code('violenceTypes', 'зуроварии иктисоди')).toBe('denial_of_resources_opportunities_or_services');
    expect(dict.code('perpetratorRelationship', 'шавхар')).toBe('intimate_partner');
    expect(dict.code('district', 'Хисор')).toBe(dict.code('district', 'Ҳисор'));
    expect(dict.code('district', 'Ҳисор')).toEqual(expect.any(String));
    expect(dict.code('district', 'нохияи Рудаки')).toBe(dict.code('district', 'ноҳияи Рудакӣ'));
    expect(dict.code('district', 'Рудаки')).toEqual(expect.any(String));
  });

  it('leaves "married" and "not married" to the centre: they do not say registered, nikoh or polygamous, never married, divorced or widowed', () => {
    for (const word of ['замужем', 'в браке', 'женат', 'оиладор', 'шавҳардор', 'married', 'не замужем', 'холост', 'оиладор нест']) {
      expect({ word, code: dict.code('maritalStatus', word) }).toEqual({ word, code: undefined });
    }
    expect(dict.code('maritalStatus', 'никох')).toBe('nikoh');
    expect(dict.code('maritalStatus', 'Разведена')).toBe('divorced');
    expect(new ValueDictionary({ maritalStatus: { замужем: 'nikoh' } }).code('maritalStatus', 'Замужем')).toBe('nikoh');
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
