import { Codelist } from './codelist';

/** First-level divisions of Tajikistan, ISO 3166-2:TJ. */
export const REGION: Codelist = {
  id: 'region',
  name: { tg: 'Минтақа', ru: 'Регион', en: 'Region' },
  codes: [
    { code: 'TJ-DU', labels: { tg: 'шаҳри Душанбе', ru: 'город Душанбе', en: 'Dushanbe' } },
    { code: 'TJ-SU', labels: { tg: 'вилояти Суғд', ru: 'Согдийская область', en: 'Sughd Region' } },
    { code: 'TJ-KT', labels: { tg: 'вилояти Хатлон', ru: 'Хатлонская область', en: 'Khatlon Region' } },
    {
      code: 'TJ-GB',
      labels: {
        tg: 'Вилояти Мухтори Кӯҳистони Бадахшон',
        ru: 'Горно-Бадахшанская автономная область',
        en: 'Gorno-Badakhshan Autonomous Region',
      },
    },
    {
      code: 'TJ-RA',
      labels: {
        tg: 'Ноҳияҳои тобеи ҷумҳурӣ',
        ru: 'Районы республиканского подчинения',
        en: 'Districts of Republican Subordination',
      },
    },
    { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } },
  ],
};
