/**
 * Small lists for obviously synthetic identifiable values. Names are common given names
 * combined at random with common surnames; phones use the fictional `555` exchange;
 * addresses are on "Synthetic street". None of this describes a real person.
 */
export const FEMALE_NAMES = [
  'Мадина', 'Зарина', 'Нигина', 'Шаҳноза', 'Фарзона', 'Гулнора', 'Малика', 'Сайёра', 'Дилноза', 'Манижа',
  'Муниса', 'Парвина', 'Тахмина', 'Ситора', 'Мавзуна', 'Фируза', 'Гулчеҳра', 'Меҳрубон', 'Рухшона', 'Зулфия',
  'Анна', 'Ольга', 'Наталья', 'Елена',
] as const;

export const MALE_NAMES = [
  'Фаррух', 'Бахтиёр', 'Ҷамшед', 'Далер', 'Умед', 'Фирдавс', 'Комрон', 'Исмоил', 'Сино', 'Шаҳром', 'Алексей', 'Сергей',
] as const;

/** Surname stems; women take `-ова` / `-ева`, men `-ов` / `-ев`, or the Tajik `-зода`. */
export const SURNAME_STEMS = [
  'Раҳимов', 'Каримов', 'Назаров', 'Саидов', 'Шарипов', 'Юсупов', 'Давлатов', 'Ҳасанов', 'Мирзоев', 'Қодиров',
  'Сафаров', 'Азимов', 'Олимов', 'Рустамов', 'Ғафуров', 'Исмоилов', 'Бобоев', 'Холов', 'Иванов', 'Петров',
] as const;

export const ZODA_STEMS = ['Раҳим', 'Карим', 'Назар', 'Саид', 'Шариф', 'Давлат', 'Ҳасан', 'Мирзо', 'Қодир', 'Сафар'] as const;

export const STREETS = ['ул. Синтетическая', 'кӯчаи Синтетикӣ', 'ул. Тестовая', 'кӯчаи Намунавӣ'] as const;

export const MOBILE_PREFIXES = ['90', '91', '92', '93', '98', '99'] as const;
