import { Codelist } from './codelist';

/**
 * The four forms of violence in the family named by the Law of the Republic of
 * Tajikistan "On the prevention of violence in the family" (2013), article 1.
 */
export const FAMILY_LAW_FORM: Codelist = {
  id: 'family_law_form',
  name: {
    tg: 'Шакли зӯроварӣ дар оила (Қонуни соли 2013)',
    ru: 'Форма насилия в семье (Закон 2013 года)',
    en: 'Form of family violence (2013 law)',
  },
  codes: [
    { code: 'physical', labels: { tg: 'Зӯроварии ҷисмонӣ', ru: 'Физическое насилие', en: 'Physical violence' } },
    { code: 'psychological', labels: { tg: 'Зӯроварии равонӣ', ru: 'Психологическое насилие', en: 'Psychological violence' } },
    { code: 'sexual', labels: { tg: 'Зӯроварии ҷинсӣ', ru: 'Сексуальное насилие', en: 'Sexual violence' } },
    { code: 'economic', labels: { tg: 'Зӯроварии иқтисодӣ', ru: 'Экономическое насилие', en: 'Economic violence' } },
  ],
};
