import { Codelist } from './codelist';

/** Themes that tag documents of the research and best-practice libraries. */
export const LIBRARY_THEME: Codelist = {
  id: 'library_theme',
  name: { tg: 'Мавзӯи китобхона', ru: 'Тема библиотеки', en: 'Library theme' },
  codes: [
    { code: 'domestic_violence', labels: { tg: 'Зӯроварӣ дар оила', ru: 'Домашнее насилие', en: 'Domestic violence' } },
    { code: 'sexual_violence', labels: { tg: 'Зӯроварии ҷинсӣ', ru: 'Сексуальное насилие', en: 'Sexual violence' } },
    { code: 'early_forced_marriage', labels: { tg: 'Издивоҷи барвақтӣ ва маҷбурӣ', ru: 'Ранние и принудительные браки', en: 'Early and forced marriage' } },
    { code: 'labour_migration', labels: { tg: 'Муҳоҷирати меҳнатӣ ва оилаҳои дар ватан монда', ru: 'Трудовая миграция и оставленные семьи', en: 'Labour migration and families left behind' } },
    { code: 'legal_aid', labels: { tg: 'Ёрии ҳуқуқӣ', ru: 'Юридическая помощь', en: 'Legal aid' } },
    { code: 'shelters', labels: { tg: 'Паноҳгоҳҳо', ru: 'Приюты', en: 'Shelters' } },
    { code: 'psychosocial_support', labels: { tg: 'Дастгирии равонӣ-иҷтимоӣ', ru: 'Психосоциальная поддержка', en: 'Psychosocial support' } },
    { code: 'case_management', labels: { tg: 'Идоракунии парванда', ru: 'Ведение случаев', en: 'Case management' } },
    { code: 'referral_mechanisms', labels: { tg: 'Механизмҳои равонкунӣ', ru: 'Механизмы перенаправления', en: 'Referral mechanisms' } },
    { code: 'data_statistics', labels: { tg: 'Маълумот ва омор', ru: 'Данные и статистика', en: 'Data and statistics' } },
    { code: 'prevention', labels: { tg: 'Пешгирӣ', ru: 'Профилактика', en: 'Prevention' } },
    { code: 'economic_empowerment', labels: { tg: 'Тавонмандсозии иқтисодӣ', ru: 'Экономическое расширение прав и возможностей', en: 'Economic empowerment' } },
    { code: 'disability', labels: { tg: 'Маълулият', ru: 'Инвалидность', en: 'Disability' } },
    { code: 'children', labels: { tg: 'Кӯдакон', ru: 'Дети', en: 'Children' } },
    { code: 'engaging_men', labels: { tg: 'Ҷалби мардон ва писарон', ru: 'Вовлечение мужчин и мальчиков', en: 'Engaging men and boys' } },
    { code: 'health_response', labels: { tg: 'Вокуниши низоми тандурустӣ', ru: 'Ответ системы здравоохранения', en: 'Health sector response' } },
    { code: 'law_policy', labels: { tg: 'Қонунгузорӣ ва сиёсат', ru: 'Законодательство и политика', en: 'Law and policy' } },
    { code: 'other', labels: { tg: 'Дигар', ru: 'Другое', en: 'Other' } },
  ],
};
