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
  marital_status: {
    registered_marriage: ['замужем', 'в браке', 'женат', 'шавҳардор', 'оиладор', 'married'],
    nikoh: ['никох', 'никоҳ', 'религиозный брак', 'никоҳи динӣ'],
    single: ['не замужем', 'холост', 'оиладор нест', 'single'],
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

/** word -> code for one codelist: codes, labels in tg/ru/en, district names without "район"/"ноҳияи", synonyms. */
function dictionaryFor(list: Codelist): Map<string, string> {
  const map = new Map<string, string>();
  for (const c of list.codes) addTo(map, c.code, c.code);
  for (const [code, words] of Object.entries(SYNONYMS[list.id] ?? {})) for (const w of words) addTo(map, w, code);
  for (const c of list.codes) for (const label of Object.values(c.labels)) addTo(map, label, c.code);
  if (list.id === DISTRICT.id) {
    for (const c of list.codes) for (const label of Object.values(c.labels)) addTo(map, stripDistrictNoise(normalizeWord(label)), c.code);
  }
  return map;
}

/**
 * The value dictionary of an import: the default one (above), overridden by the
 * user's own `field -> word -> code` mapping for words particular to their register.
 */
export class ValueDictionary {
  private readonly byCodelist = new Map<CodelistId, Map<string, string>>();
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
    const map = this.byCodelist.get(CODED_FIELDS[field])!;
    return map.get(key) ?? (CODED_FIELDS[field] === 'district' ? map.get(stripDistrictNoise(key)) : undefined);
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
