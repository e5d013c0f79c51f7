import { Codelist } from './codelist';

const UNKNOWN = { code: 'UNK', labels: { tg: 'Номаълум', ru: 'Неизвестно', en: 'Unknown' } };

/** Labour migration in the survivor's household (about a third of households have a migrant abroad). */
export const MIGRATION_STATUS: Codelist = {
  id: 'migration_status',
  name: { tg: 'Вазъи муҳоҷират', ru: 'Миграционный статус', en: 'Migration status' },
  codes: [
    {
      code: 'family_left_behind',
      labels: {
        tg: 'Аъзои оилаи муҳоҷири меҳнатӣ, ки дар ватан мондааст',
        ru: 'Член семьи трудового мигранта, оставшийся на родине',
        en: 'Family left behind by a labour migrant',
      },
    },
    { code: 'returnee_migrant', labels: { tg: 'Муҳоҷири меҳнатии бозгашта', ru: 'Вернувшийся трудовой мигрант', en: 'Returnee labour migrant' } },
    { code: 'none', labels: { tg: 'Ба муҳоҷират алоқа надорад', ru: 'Не связано с миграцией', en: 'None' } },
    UNKNOWN,
  ],
};

export const MARITAL_STATUS: Codelist = {
  id: 'marital_status',
  name: { tg: 'Вазъи оилавӣ', ru: 'Семейное положение', en: 'Marital status' },
  codes: [
    { code: 'registered_marriage', labels: { tg: 'Ақди никоҳи бақайдгирифташуда (ФҲШ)', ru: 'Зарегистрированный брак (ЗАГС)', en: 'Registered marriage' } },
    {
      code: 'nikoh',
      labels: {
        tg: 'Никоҳи динӣ бе бақайдгирии давлатӣ',
        ru: 'Религиозный брак (никох) без государственной регистрации',
        en: 'Unregistered religious marriage (nikoh)',
      },
    },
    { code: 'polygamous_union', labels: { tg: 'Бисёрзанӣ (зани дуюм ё баъдӣ)', ru: 'Полигамный союз (вторая или следующая жена)', en: 'Polygamous union' } },
    { code: 'single', labels: { tg: 'Оиладор нашуда', ru: 'Никогда не состояла в браке', en: 'Single, never married' } },
    { code: 'separated', labels: { tg: 'Ҷудо зиндагӣ мекунад', ru: 'Живёт раздельно', en: 'Separated' } },
    { code: 'divorced', labels: { tg: 'Ҷудошуда (талоқ)', ru: 'Разведена', en: 'Divorced' } },
    { code: 'widowed', labels: { tg: 'Бева', ru: 'Вдова', en: 'Widowed' } },
    UNKNOWN,
  ],
};
