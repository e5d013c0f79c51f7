import { Codelist } from './codelist';

export const CENTRE_TYPE: Codelist = {
  id: 'centre_type',
  name: { tg: 'Навъи марказ', ru: 'Тип центра', en: 'Centre type' },
  codes: [
    { code: 'crisis_centre', labels: { tg: 'Маркази бӯҳронӣ', ru: 'Кризисный центр', en: 'Crisis centre' } },
    { code: 'shelter', labels: { tg: 'Паноҳгоҳ', ru: 'Приют', en: 'Shelter' } },
    { code: 'hotline', labels: { tg: 'Хати боварӣ', ru: 'Телефон доверия', en: 'Hotline' } },
    {
      code: 'district_task_force_legal_aid',
      labels: {
        tg: 'Гурӯҳи кории ноҳиявӣ ё маркази ёрии ҳуқуқӣ',
        ru: 'Районная рабочая группа или центр юридической помощи',
        en: 'District task force or legal aid centre',
      },
    },
    { code: 'resource_centre', labels: { tg: 'Маркази захиравӣ', ru: 'Ресурсный центр', en: 'Resource centre' } },
  ],
};
