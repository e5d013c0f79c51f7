import { AGE_BAND, ageBandOf } from './age-band';
import { CODELIST_IDS } from './codelist';
import { DISTRICT, districtsOf } from './district';
import { CODELISTS, REGION } from './index';
import { codeFromLabel } from './lookup';
import { PERPETRATOR_RELATIONSHIP } from './perpetrator-relationship';
import { classifyViolence, ClassificationError, familyLawFormOf, VIOLENCE_CLASSIFICATION_ORDER, VIOLENCE_TYPE } from './violence-type';

const TAJIK_ONLY_LETTERS = /[ӣӯҳҷқғ]/i;
const LATIN = /[a-z]/i;

describe('codelists', () => {
  it('registers every codelist id exactly once, in the order of CODELIST_IDS', () => {
    expect(CODELISTS.map((l) => l.id)).toEqual([...CODELIST_IDS]);
  });

  it.each(CODELISTS.map((l) => [l.id, l] as const))('%s: every code has non-empty tg, ru and en labels', (_id, list) => {
    expect(list.codes.length).toBeGreaterThan(0);
    for (const lang of ['tg', 'ru', 'en'] as const) expect(list.name[lang].trim()).not.toBe('');
    for (const c of list.codes) {
      for (const lang of ['tg', 'ru', 'en'] as const) {
        expect({ code: c.code, lang, ok: typeof c.labels[lang] === 'string' && c.labels[lang].trim().length > 0 }).toEqual({ code: c.code, lang, ok: true });
      }
    }
  });

  it.each(CODELISTS.map((l) => [l.id, l] as const))('%s: Tajik and Russian labels are Cyrillic, codes are well formed', (_id, list) => {
    for (const c of list.codes) {
      expect(c.code).toMatch(/^(?:[a-z][a-z0-9_]*|[A-Z][A-Z0-9-]*)$/);
      // Latin letters are allowed only in acronyms such as GBVIMS.
      expect([c.code, LATIN.test(c.labels.tg.replace(/GBVIMS/g, ''))]).toEqual([c.code, false]);
      expect([c.code, LATIN.test(c.labels.ru.replace(/GBVIMS/g, ''))]).toEqual([c.code, false]);
    }
  });

  it('Tajik labels use the Tajik letters (not Russian transliteration)', () => {
    const tg = CODELISTS.flatMap((l) => l.codes.map((c) => c.labels.tg));
    expect(tg.filter((t) => TAJIK_ONLY_LETTERS.test(t)).length).toBeGreaterThan(tg.length / 3);
  });

  it.each(CODELISTS.map((l) => [l.id, l] as const))('%s: no two codes collide', (_id, list) => {
    const codes = list.codes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const upper = codes.map((c) => c.toUpperCase());
    expect(new Set(upper).size).toBe(codes.length);
  });

  it('age bands do not overlap and cover 0 to 120 without gaps', () => {
    const bands = AGE_BAND.codes.filter((c) => c.min !== undefined).sort((a, b) => a.min! - b.min!);
    expect(bands[0].min).toBe(0);
    expect(bands[bands.length - 1].max).toBe(120);
    for (let i = 1; i < bands.length; i++) expect(bands[i].min).toBe(bands[i - 1].max! + 1);
    for (let age = 0; age <= 120; age++) {
      expect(bands.filter((b) => age >= b.min! && age <= b.max!)).toHaveLength(1);
      expect(ageBandOf(age)).not.toBe('UNK');
    }
    expect(ageBandOf(-1)).toBe('UNK');
    expect(ageBandOf(121)).toBe('UNK');
    expect(ageBandOf(undefined)).toBe('UNK');
    expect(ageBandOf(17)).toBe('Y12T17');
    expect(ageBandOf(18)).toBe('Y18T24');
  });

  it('every district belongs to an existing region, and every region has districts', () => {
    const regions = new Set(REGION.codes.map((c) => c.code));
    expect(DISTRICT.parentCodelist).toBe('region');
    for (const d of DISTRICT.codes) {
      expect([d.code, d.parent !== undefined && regions.has(d.parent)]).toEqual([d.code, true]);
      if (d.code !== 'UNK') expect(d.code.startsWith(`${d.parent}-`)).toBe(true);
    }
    const counts = Object.fromEntries(['TJ-DU', 'TJ-SU', 'TJ-KT', 'TJ-GB', 'TJ-RA'].map((r) => [r, districtsOf(r).length]));
    expect(counts).toEqual({ 'TJ-DU': 4, 'TJ-SU': 18, 'TJ-KT': 26, 'TJ-GB': 8, 'TJ-RA': 13 });
    expect(DISTRICT.codes.find((c) => c.code === 'TJ-SU-KHJ')?.labels.ru).toBe('город Худжанд');
  });

  it('has the six GBVIMS core types, each with its 2013-law form', () => {
    expect(VIOLENCE_TYPE.codes.map((c) => c.code).sort()).toEqual([...VIOLENCE_CLASSIFICATION_ORDER].sort());
    expect(Object.fromEntries(VIOLENCE_TYPE.codes.map((c) => [c.code, c.familyLawForm]))).toEqual({
      rape: 'sexual',
      sexual_assault: 'sexual',
      physical_assault: 'physical',
      forced_marriage: 'psychological',
      denial_of_resources_opportunities_or_services: 'economic',
      psychological_emotional_abuse: 'psychological',
    });
    for (const c of VIOLENCE_TYPE.codes) expect(c.parent).toBe(c.familyLawForm);
    expect(familyLawFormOf('rape')).toBe('sexual');
  });

  it('classification order picks the right type for mixed incidents', () => {
    expect(classifyViolence(['psychological_emotional_abuse', 'physical_assault'])).toBe('physical_assault');
    expect(classifyViolence(['physical_assault', 'rape', 'psychological_emotional_abuse'])).toBe('rape');
    expect(classifyViolence(['psychological_emotional_abuse', 'denial_of_resources_opportunities_or_services'])).toBe(
      'denial_of_resources_opportunities_or_services',
    );
    expect(classifyViolence(['forced_marriage', 'denial_of_resources_opportunities_or_services', 'physical_assault'])).toBe('physical_assault');
    expect(classifyViolence(['forced_marriage', 'psychological_emotional_abuse'])).toBe('forced_marriage');
    expect(classifyViolence(['sexual_assault', 'physical_assault'])).toBe('sexual_assault');
    expect(classifyViolence(['psychological_emotional_abuse'])).toBe('psychological_emotional_abuse');
    // Every pair follows the order, whichever way round it is given.
    const order = VIOLENCE_CLASSIFICATION_ORDER;
    for (let i = 0; i < order.length; i++)
      for (let j = i; j < order.length; j++) {
        expect(classifyViolence([order[j], order[i]])).toBe(order[i]);
        expect(classifyViolence([order[i], order[j]])).toBe(order[i]);
      }
    expect(() => classifyViolence([])).toThrow(ClassificationError);
    expect(() => classifyViolence(['slap'])).toThrow(ClassificationError);
  });

  it('has the in-laws and an unknown code among perpetrator relationships', () => {
    const codes = PERPETRATOR_RELATIONSHIP.codes.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['mother_in_law', 'father_in_law', 'sister_in_law', 'brother_in_law', 'other_in_law', 'intimate_partner', 'UNK']));
  });

  it('maps Russian, Tajik and English words to codes', () => {
    expect(codeFromLabel(PERPETRATOR_RELATIONSHIP, '  свекровь ')).toBe('mother_in_law');
    expect(codeFromLabel(PERPETRATOR_RELATIONSHIP, 'Mother-in-law')).toBe('mother_in_law');
    expect(codeFromLabel(VIOLENCE_TYPE, 'Изнасилование')).toBe('rape');
    expect(codeFromLabel(VIOLENCE_TYPE, 'таҷовуз ба номус')).toBe('rape');
    expect(codeFromLabel(DISTRICT, 'город худжанд')).toBe('TJ-SU-KHJ');
    expect(codeFromLabel(VIOLENCE_TYPE, 'RAPE')).toBe('rape');
    expect(codeFromLabel(VIOLENCE_TYPE, 'something else')).toBeUndefined();
  });
});
