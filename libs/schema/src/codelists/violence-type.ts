import { Code, Codelist } from './codelist';

/** A GBVIMS core type, with its form under the 2013 Tajik family-violence law. */
export interface ViolenceTypeCode extends Code {
  /** Code in `family_law_form` (also the `parent`, so datasets can publish by law form). */
  readonly familyLawForm: 'physical' | 'psychological' | 'sexual' | 'economic';
}

/**
 * The GBVIMS classification order: an incident with several observed types is counted
 * once, under the first of these that it involves.
 */
export const VIOLENCE_CLASSIFICATION_ORDER = [
  'rape',
  'sexual_assault',
  'physical_assault',
  'forced_marriage',
  'denial_of_resources_opportunities_or_services',
  'psychological_emotional_abuse',
] as const;
export type ViolenceType = (typeof VIOLENCE_CLASSIFICATION_ORDER)[number];

const vt = (code: ViolenceType, familyLawForm: ViolenceTypeCode['familyLawForm'], tg: string, ru: string, en: string): ViolenceTypeCode => ({
  code,
  labels: { tg, ru, en },
  parent: familyLawForm,
  familyLawForm,
});

export const VIOLENCE_TYPE: Codelist<ViolenceTypeCode> = {
  id: 'violence_type',
  name: { tg: 'Навъи зӯроварӣ (GBVIMS)', ru: 'Вид насилия (GBVIMS)', en: 'Violence type (GBVIMS)' },
  parentCodelist: 'family_law_form',
  codes: [
    vt('rape', 'sexual', 'Таҷовуз ба номус', 'Изнасилование', 'Rape'),
    vt('sexual_assault', 'sexual', 'Ҳамлаи ҷинсӣ', 'Сексуальное нападение', 'Sexual assault'),
    vt('physical_assault', 'physical', 'Ҳамлаи ҷисмонӣ', 'Физическое нападение', 'Physical assault'),
    vt('forced_marriage', 'psychological', 'Издивоҷи маҷбурӣ', 'Принудительный брак', 'Forced marriage'),
    vt(
      'denial_of_resources_opportunities_or_services',
      'economic',
      'Маҳрум кардан аз захираҳо, имкониятҳо ё хизматрасониҳо',
      'Лишение ресурсов, возможностей или услуг',
      'Denial of resources, opportunities or services',
    ),
    vt(
      'psychological_emotional_abuse',
      'psychological',
      'Зӯроварии равонӣ ё эмотсионалӣ',
      'Психологическое или эмоциональное насилие',
      'Psychological or emotional abuse',
    ),
  ],
};

export class ClassificationError extends Error {
  readonly code = 'CLASSIFICATION_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ClassificationError';
  }
}

const RANK = new Map<string, number>(VIOLENCE_CLASSIFICATION_ORDER.map((t, i) => [t, i]));

/**
 * The one violence type under which GBVIMS counts an incident that involved `types`:
 * the earliest in the classification order. Throws on an empty list or an unknown type.
 */
export function classifyViolence(types: readonly string[]): ViolenceType {
  let best = Number.POSITIVE_INFINITY;
  for (const t of types) {
    const r = RANK.get(t);
    if (r === undefined) throw new ClassificationError(`unknown violence type code "${String(t).slice(0, 60)}"`);
    if (r < best) best = r;
  }
  if (best === Number.POSITIVE_INFINITY) throw new ClassificationError('an incident needs at least one violence type');
  return VIOLENCE_CLASSIFICATION_ORDER[best];
}

/** The 2013-law form of a GBVIMS type. */
export function familyLawFormOf(type: string): ViolenceTypeCode['familyLawForm'] | undefined {
  return VIOLENCE_TYPE.codes.find((c) => c.code === type)?.familyLawForm;
}
