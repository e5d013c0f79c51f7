import { Codelist, CodelistId, CODELISTS, DISTRICT } from '@paivand/schema';

/** Fields of an import row whose free-text values map to codes. */
export const CODED_FIELDS = {
  sex: 'sex',
  district: 'district',
  incidentDistrict: 'district',
  maritalStatus: 'marital_status',
  migrationStatus: 'migration_status',
  violenceTypes: 'violence_type',
  perpetratorRelationship: 'perpetrator_relationship',
} as const satisfies Record<string, CodelistId>;
export type CodedField = keyof typeof CODED_FIELDS;

/** Lower-case, trimmed, one space, `ё` as `е`, Uzbek-keyboard `ў` as Tajik `ӯ`, no surrounding punctuation. */
export function normalizeWord(value: string): string {
  return value
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/ў/g, 'ӯ')
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/^[\s"'«».,;:()-]+|[\s"'«».,;:()-]+$/g, '');
}

/**
 * Words centres write in their spreadsheets, in Russian, Tajik and English, beyond the
 * codelists' own labels (which are always recognised, as are the codes themselves).
 */
const SYNONYMS: Readonly<Partial<Record<CodelistId, Readonly<Record<string, readonly string[]>>>>> = {
  sex: {
    F: ['ж', 'жен', 'женский', 'женщина', 'девочка', 'зан', 'духтар', 'занона', 'f', 'female', 'woman', 'girl'],
    M: ['м', 'муж', 'мужской', 'мужчина', 'мальчик', 'мард', 'писар', 'мардона', 'm', 'male', 'man', 'boy'],
    U: ['не указан', 'нет данных', 'маълум нест', 'unknown', '?'],
  },
  violence_type: {
    rape: ['изнасилование', 'таҷовуз', 'таҷовуз ба номус', 'rape'],
    sexual_assault: ['сексуальное насилие', 'сексуальное', 'половое насилие', 'домогательство', 'зӯроварии ҷинсӣ', 'ҷинсӣ', 'sexual violence', 'sexual'],
    physical_assault: ['физическое насилие', 'физическое', 'побои', 'избиение', 'зӯроварии ҷисмонӣ', 'ҷисмонӣ', 'латукӯб', 'physical', 'physical violence'],
    forced_marriage: ['принудительный брак', 'насильственный брак', 'ранний брак', 'издивоҷи маҷбурӣ', 'издивоҷи барвақтӣ', 'forced marriage', 'early marriage', 'child marriage'],
    denial_of_resources_opportunities_or_services: [
      'экономическое насилие',
      'экономическое',
      'лишение средств',
      'лишение ресурсов',
      'зӯроварии иқтисодӣ',
      'иқтисодӣ',
      'economic',
      'economic violence',
      'denial of resources',
    ],
    psychological_emotional_abuse: [
      'психологическое насилие',
      'психологическое',
      'эмоциональное насилие',
      'психическое насилие',
      'угрозы',
      'оскорбления',
      'зӯроварии равонӣ',
      'зӯроварии психологӣ',
      'равонӣ',
      'psychological',
      'emotional abuse',
      'psychological violence',
    ],
  },
  // "Married" (замужем, в браке, оиладор, married) says neither whether the marriage was registered nor
  // whether it is a nikoh or a polygamous union, and "not married" (не замужем, холост) not whether she
  // was never married, is divorced or widowed: the codelist tells these apart, so such words are left to
  // the centre's own mapping (UNKNOWN_VALUE until it gives one) rather than counted as one of them.
  marital_status: {
    registered_marriage: ['зарегистрированный брак', 'брак в загсе', 'загс'],
    nikoh: ['никох', 'никоҳ', 'религиозный брак', 'никоҳи динӣ'],
    single: ['никогда не была замужем', 'никогда не состояла в браке', 'never married'],
    divorced: ['в разводе', 'разведен', 'талоқ', 'ҷудошуда', 'divorced'],
    widowed: ['вдовец', 'бевазан', 'widow'],
  },
  migration_status: {
    family_left_behind: ['семья мигранта', 'жена мигранта', 'муж в миграции', 'зани муҳоҷир', 'оилаи муҳоҷир', 'family of migrant'],
    returnee_migrant: ['вернувшийся мигрант', 'возвратившийся мигрант', 'муҳоҷири бозгашта', 'returnee', 'returned migrant'],
    none: ['нет', 'не связано', 'не мигрант', 'не', 'нест', 'no', 'none'],
  },
  perpetrator_relationship: {
    intimate_partner: ['муж', 'супруг', 'бывший муж', 'партнер', 'сожитель', 'шавҳар', 'шавҳари собиқ', 'husband', 'partner', 'ex-husband'],
    mother_in_law: ['свекровь', 'хусурмодар', 'mother-in-law'],
    father_in_law: ['свекор', 'хусур', 'father-in-law'],
    brother_in_law: ['деверь', 'брат мужа', 'бародари шавҳар', 'brother-in-law'],
    sister_in_law: ['золовка', 'невестка', 'сестра мужа', 'хоҳари шавҳар', 'sister-in-law'],
    family_other: ['отец', 'мать', 'брат', 'сестра', 'сын', 'падар', 'модар', 'бародар', 'хоҳар', 'father', 'mother', 'brother', 'son'],
    no_relation: ['незнакомец', 'посторонний', 'бегона', 'stranger'],
  },
};

/** The key of a word: `normalizeWord`, or for a word of punctuation only (`-`), the symbol itself. */
export function wordKey(value: string): string {
  return normalizeWord(value) || value.trim();
}

/**
 * Yes/no words. Symbols as spreadsheets hold them: `+`, ticks and crosses (Latin or Cyrillic
 * `х`) for yes; `-` and the dashes Excel's autocorrect makes of it for no.
 */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...['да', 'д', 'есть', 'имеется', 'ҳа', 'бале', 'ха', 'hа', 'yes', 'y', 'true', '1', '+', 'x', 'х', 'v', '✓', '✔', 'дорад'].map((w) => [w, true] as const),
  ...['нет', 'н', 'не', 'не имеется', 'нест', 'надорад', 'no', 'n', 'false', '0', '-', '–', '—', '−'].map((w) => [w, false] as const),
]);

/** The yes/no a word means, or undefined. */
export function booleanWord(value: string): boolean | undefined {
  return BOOLEAN_WORDS[wordKey(value)];
}

/** Words around a district's name (`\b` does not work for Cyrillic, hence the explicit spaces). */
const DISTRICT_NOISE = /(^|\s)(район|р-н|город|г\.|ноҳияи|ноҳия|шаҳри|шаҳр|district|city)(?=\s|$)/g;

function stripDistrictNoise(word: string): string {
  return word.replace(DISTRICT_NOISE, ' ').replace(/\s+/g, ' ').trim();
}

function addTo(map: Map<string, string>, word: string, code: string): void {
  const key = normalizeWord(word);
  if (key && !map.has(key)) map.set(key, code);
}

/**
 * A word as typed on a Russian keyboard, which has no Tajik letters: ҳ as х, ҷ as ч, қ as к, ғ as г,
 * ӣ as и, ӯ as у (`Хисор` for `Ҳисор`, `чисмони` for `ҷисмонӣ`). A second key, looked up only when the
 * word itself is not known.
 */
export function foldTajik(key: string): string {
  return key.replace(/[ҳҷқғӣӯ]/g, (c) => TAJIK_FOLD[c]);
}
const TAJIK_FOLD: Readonly<Record<string, string>> = { ҳ: 'х', ҷ: 'ч', қ: 'к', ғ: 'г', ӣ: 'и', ӯ: 'у' };

/**
 * word -> code for one codelist: codes, labels in tg/ru/en, district names without "район"/"ноҳияи",
 * synonyms; and each as folded by `foldTajik`, unless two codes fold to one word (then neither).
 */
function dictionaryFor(list: Codelist): { exact: Map<string, string>; folded: Map<string, string | null> } {
  const exact = new Map<string, string>();
  for (const c of list.codes) addTo(exact, c.code, c.code);
  for (const [code, words] of Object.entries(SYNONYMS[list.id] ?? {})) for (const w of words) addTo(exact, w, code);
  for (const c of list.codes) for (const label of Object.values(c.labels)) addTo(exact, label, c.code);
  if (list.id === DISTRICT.id) {
    for (const c of list.codes) for (const label of Object.values(c.labels)) addTo(exact, stripDistrictNoise(normalizeWord(label)), c.code);
  }
  const folded = new Map<string, string | null>();
  for (const [word, code] of exact) {
    const key = foldTajik(word);
    const had = folded.get(key);
    folded.set(key, had === undefined || had === code ? code : null);
  }
  return { exact, folded };
}

/**
 * The value dictionary of an import: the default one (above), overridden by the
 * user's own `field -> word -> code` mapping for words particular to their register.
 */
export class ValueDictionary {
  private readonly byCodelist = new Map<CodelistId, ReturnType<typeof dictionaryFor>>();
  private readonly custom = new Map<string, Map<string, string>>();

  constructor(userMapping: Readonly<Record<string, Readonly<Record<string, string>>>> = {}) {
    for (const list of CODELISTS) this.byCodelist.set(list.id, dictionaryFor(list));
    for (const [field, words] of Object.entries(userMapping)) {
      const m = new Map<string, string>();
      for (const [w, code] of Object.entries(words)) m.set(wordKey(w), code);
      this.custom.set(field, m);
    }
  }

  /**
   * Looked-up raw values: a register repeats a few dozen words in a coded column, so the
   * normalisation (regular expressions) runs once per distinct word, not once per row.
   * Bounded: cleared when full.
   */
  private readonly seen = new Map<CodedField, Map<string, string | null>>();

  /** The code for a free-text value of a coded field, or undefined when nothing matches. */
  code(field: CodedField, value: string): string | undefined {
    let seen = this.seen.get(field);
    if (!seen) this.seen.set(field, (seen = new Map<string, string | null>()));
    const hit = seen.get(value);
    if (hit !== undefined) return hit ?? undefined;
    const code = this.lookup(field, value);
    if (seen.size >= 4096) seen.clear();
    seen.set(value, code ?? null);
    return code;
  }

  private lookup(field: CodedField, value: string): string | undefined {
    const key = wordKey(value);
    const custom = this.custom.get(field)?.get(key);
    if (custom !== undefined) return custom;
    const { exact, folded } = this.byCodelist.get(CODED_FIELDS[field])!;
    const find = (k: string): string | undefined => exact.get(k) ?? folded.get(foldTajik(k)) ?? undefined;
    return find(key) ?? (CODED_FIELDS[field] === 'district' ? find(stripDistrictNoise(key)) : undefined);
  }

  /** Several violence types in one cell: the whole cell first, else split on ; , / | + and "и"/"ва"/"and". */
  codes(field: CodedField, value: string): { codes: string[]; unknown: boolean } {
    const whole = this.code(field, value);
    if (whole) return { codes: [whole], unknown: false };
    const parts = value.split(/[;,/|+]| и | ва | and /i).map((p) => p.trim()).filter(Boolean);
    const codes: string[] = [];
    for (const p of parts) {
      const c = this.code(field, p);
      if (!c) return { codes: [], unknown: true };
      if (!codes.includes(c)) codes.push(c);
    }
    return { codes, unknown: codes.length === 0 };
  }

  boolean(field: string, value: string): boolean | undefined {
    const key = value.length <= 3 && /^[a-zа-я0-9]*$/.test(value) ? value : wordKey(value);
    const custom = this.custom.get(field)?.get(key);
    if (custom !== undefined) return booleanWord(custom);
    return BOOLEAN_WORDS[key];
  }
}
