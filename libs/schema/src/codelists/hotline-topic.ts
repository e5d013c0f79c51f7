import { Codelist } from './codelist';

export const HOTLINE_TOPIC: Codelist = {
  id: 'hotline_topic',
  name: { tg: 'Мавзӯи муроҷиат ба хати боварӣ', ru: 'Тема обращения на телефон доверия', en: 'Hotline topic' },
  codes: [
    { code: 'domestic_violence', labels: { tg: 'Зӯроварӣ дар оила', ru: 'Домашнее насилие', en: 'Domestic violence' } },
    { code: 'sexual_violence', labels: { tg: 'Зӯроварии ҷинсӣ', ru: 'Сексуальное насилие', en: 'Sexual violence' } },
    { code: 'legal_questions', labels: { tg: 'Саволҳои ҳуқуқӣ', ru: 'Юридические вопросы', en: 'Legal questions' } },
    { code: 'psychological_support', labels: { tg: 'Дастгирии равонӣ', ru: 'Психологическая поддержка', en: 'Psychological support' } },
    { code: 'shelter_request', labels: { tg: 'Дархости паноҳгоҳ', ru: 'Запрос на приют', en: 'Shelter request' } },
    { code: 'child_protection', labels: { tg: 'Ҳифзи кӯдак', ru: 'Защита детей', en: 'Child protection' } },
    { code: 'migration_related', labels: { tg: 'Масъалаҳои муҳоҷират', ru: 'Вопросы, связанные с миграцией', en: 'Migration-related' } },
    { code: 'economic_support', labels: { tg: 'Дастгирии иқтисодӣ', ru: 'Экономическая поддержка', en: 'Economic support' } },
    { code: 'information', labels: { tg: 'Маълумот дар бораи хизматрасониҳо', ru: 'Информация об услугах', en: 'Information about services' } },
    { code: 'other', labels: { tg: 'Дигар', ru: 'Другое', en: 'Other' } },
  ],
};
