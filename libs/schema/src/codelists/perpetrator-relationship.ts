import { Codelist } from './codelist';

/** GBVIMS alleged perpetrator relationship, plus the in-laws that matter in Tajik households. */
export const PERPETRATOR_RELATIONSHIP: Codelist = {
  id: 'perpetrator_relationship',
  name: { tg: 'Муносибат бо зӯровар', ru: 'Отношение к виновному', en: 'Relationship to perpetrator' },
  codes: [
    { code: 'intimate_partner', labels: { tg: 'Шавҳар ё шарики собиқ', ru: 'Интимный партнёр (супруг) или бывший партнёр', en: 'Intimate partner or former partner' } },
    { code: 'primary_caregiver', labels: { tg: 'Парастори асосӣ', ru: 'Основной опекун', en: 'Primary caregiver' } },
    { code: 'family_other', labels: { tg: 'Дигар аъзои оила (ғайр аз ҳамсар ё парастор)', ru: 'Другой член семьи (не супруг и не опекун)', en: 'Family other than spouse or caregiver' } },
    { code: 'mother_in_law', labels: { tg: 'Хусурмодар (модари шавҳар)', ru: 'Свекровь', en: 'Mother-in-law' } },
    { code: 'father_in_law', labels: { tg: 'Хусур (падари шавҳар)', ru: 'Свёкор', en: 'Father-in-law' } },
    { code: 'sister_in_law', labels: { tg: 'Хоҳари шавҳар ё янгаи шавҳар', ru: 'Золовка или невестка', en: 'Sister-in-law' } },
    { code: 'brother_in_law', labels: { tg: 'Бародари шавҳар', ru: 'Деверь', en: 'Brother-in-law' } },
    { code: 'other_in_law', labels: { tg: 'Дигар хешовандони шавҳар', ru: 'Другие родственники мужа', en: 'Other in-law' } },
    { code: 'supervisor_employer', labels: { tg: 'Роҳбар ё корфармо', ru: 'Руководитель или работодатель', en: 'Supervisor or employer' } },
    { code: 'schoolmate', labels: { tg: 'Ҳамсинф', ru: 'Одноклассник или однокурсник', en: 'Schoolmate' } },
    { code: 'teacher', labels: { tg: 'Муаллим', ru: 'Учитель', en: 'Teacher' } },
    { code: 'service_provider', labels: { tg: 'Хизматрасон', ru: 'Поставщик услуг', en: 'Service provider' } },
    { code: 'cotenant_housemate', labels: { tg: 'Ҳамхона', ru: 'Сосед по жилью', en: 'Cotenant or housemate' } },
    { code: 'family_friend_neighbour', labels: { tg: 'Дӯсти оила ё ҳамсоя', ru: 'Друг семьи или сосед', en: 'Family friend or neighbour' } },
    { code: 'other_refugee_idp_returnee', labels: { tg: 'Дигар гуреза, муҳоҷири иҷборӣ ё бозгашта', ru: 'Другой беженец, ВПЛ или возвращенец', en: 'Other refugee, IDP or returnee' } },
    { code: 'other_resident_community_member', labels: { tg: 'Дигар сокини ҷамоа', ru: 'Другой житель общины', en: 'Other resident community member' } },
    { code: 'other', labels: { tg: 'Дигар', ru: 'Другое', en: 'Other' } },
    { code: 'no_relation', labels: { tg: 'Бе муносибат', ru: 'Не знаком(а) с пострадавшей', en: 'No relation' } },
    { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } },
  ],
};
