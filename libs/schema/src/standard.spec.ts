import { DimensionDecl } from './datasets/dataset';
import { DATASETS } from './datasets/catalog';
import { exportStandard } from './export-document';
import { ATTRIBUTE_CODELIST, STANDARD, StandardIndex } from './standard';
import { CODELIST_IDS, TOTAL_CODE } from './codelists/codelist';

const region: DimensionDecl = { id: 'region', codelist: 'region', attribute: 'district', label: { tg: 'Минтақа', ru: 'Регион', en: 'Region' } };
const lawForm: DimensionDecl = { id: 'form', codelist: 'family_law_form', attribute: 'violence_type', label: { tg: 'Шакл', ru: 'Форма', en: 'Form' } };

describe('StandardIndex', () => {
  const index = new StandardIndex();

  it('generalizes a district to its region and a GBVIMS type to its 2013-law form', () => {
    expect(index.generalize(region, 'TJ-SU-KHJ')).toBe('TJ-SU');
    expect(index.generalize(region, 'TJ-GB-MUR')).toBe('TJ-GB');
    expect(index.generalize(region, 'TJ-KT-UNK')).toBe('TJ-KT');
    expect(index.generalize(region, 'UNK')).toBe('UNK');
    expect(index.generalize(region, 'TJ-XX-NOPE')).toBeUndefined();
    expect(index.generalize(lawForm, 'rape')).toBe('sexual');
    expect(index.generalize(lawForm, 'denial_of_resources_opportunities_or_services')).toBe('economic');
    expect(index.generalize(lawForm, undefined)).toBeUndefined();
  });

  it('knows codes, totals and labels', () => {
    expect(index.hasCode('district', 'TJ-DU-SIN')).toBe(true);
    expect(index.isDimensionCode(region, TOTAL_CODE)).toBe(true);
    expect(index.label('violence_type', 'forced_marriage', 'tg')).toBe('Издивоҷи маҷбурӣ');
    expect(index.codes('family_law_form')).toEqual(['physical', 'psychological', 'sexual', 'economic']);
  });

  it('maps every record attribute to a registered codelist, and every dataset dimension to codes it can reach', () => {
    for (const list of Object.values(ATTRIBUTE_CODELIST)) expect(CODELIST_IDS).toContain(list);
    for (const d of DATASETS) {
      for (const dim of d.dimensions) {
        const codes = index.codes(ATTRIBUTE_CODELIST[dim.attribute]);
        const reached = codes.map((c) => index.generalize(dim, c)).filter((c) => c !== undefined);
        expect([d.id, dim.id, reached.length > 0]).toEqual([d.id, dim.id, true]);
      }
    }
  });

  it('loads the exported document back (what a node pulls from the hub)', () => {
    const pulled = new StandardIndex(JSON.parse(JSON.stringify(exportStandard())));
    expect(pulled.version).toBe(STANDARD.version);
    expect(pulled.generalize(region, 'TJ-RA-RUD')).toBe('TJ-RA');
    expect(pulled.datasets.map((d) => d.id)).toEqual(DATASETS.map((d) => d.id));
  });
});
