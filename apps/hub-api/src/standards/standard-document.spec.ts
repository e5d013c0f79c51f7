import { STANDARD, Standard } from '@paivand/schema';
import { HubError } from '../common/errors/hub.error';
import { checkStandardDocument, incompatibilities } from './standard-document';

/* eslint-disable @typescript-eslint/no-explicit-any -- standard documents are edited as plain JSON here */
const draft = (edit: (d: any) => void = () => undefined, version = '2026.2'): any => {
  const d = JSON.parse(JSON.stringify(STANDARD));
  d.version = version;
  edit(d);
  return d;
};
const dataset = (d: any, id: string): any => d.datasets.find((x: any) => x.id === id);
const dimension = (d: any, datasetId: string, id: string): any => dataset(d, datasetId).dimensions.find((x: any) => x.id === id);

/** The field the check refuses, or null when the document passes. */
function refusedField(doc: unknown): string | null {
  try {
    checkStandardDocument(doc);
    return null;
  } catch (e) {
    if (!(e instanceof HubError)) throw e;
    expect(e.details?.reason).toBe('STANDARD_INVALID');
    return (e.details?.fields as { field: string }[])[0].field;
  }
}

describe('checkStandardDocument: the record attributes a dimension reads', () => {
  it('takes the standard this code implements', () => {
    expect(refusedField(draft())).toBeNull();
  });

  it('refuses a version with a leading zero (2026.02 and 2026.2 compare equal)', () => {
    expect(refusedField(draft(undefined, '2026.02'))).toBe('version');
    expect(refusedField(draft(undefined, '2026.20'))).toBeNull();
  });

  it('refuses a code, a codelist or a dataset without a label readers can see in each of tg, ru and en', () => {
    const list = (d: any): any => d.codelists.find((l: any) => l.id === 'service_type');
    const at = `codelists.${STANDARD.codelists.findIndex((l) => l.id === 'service_type')}`;
    expect(refusedField(draft((d) => (list(d).codes[0].labels.tg = '')))).toBe(`${at}.codes.0.labels.tg`);
    expect(refusedField(draft((d) => (list(d).codes[1].labels.ru = '  ')))).toBe(`${at}.codes.1.labels.ru`);
    expect(refusedField(draft((d) => delete list(d).codes[2].labels.en))).toBe(`${at}.codes.2.labels.en`);
    expect(refusedField(draft((d) => (list(d).name.en = ' ')))).toBe(`${at}.name`);
  });

  it('refuses a dimension that reads no record attribute a node keeps', () => {
    expect(refusedField(draft((d) => (dimension(d, 'services_monthly', 'service_type').attribute = 'no_such_attribute')))).toBe('datasets.1.dimensions.0.attribute');
    expect(refusedField(draft((d) => delete dimension(d, 'services_monthly', 'service_type').attribute))).toBe('datasets.1.dimensions.0.attribute');
  });

  it('refuses an attribute the attributes map does not send to a codelist of the document', () => {
    expect(refusedField(draft((d) => (d.attributes = {})))).toBe('attributes.district');
    expect(refusedField(draft((d) => delete d.attributes.service_outcome))).toBe('attributes.service_outcome');
    expect(refusedField(draft((d) => (d.attributes.service_outcome = 'no_such_codelist')))).toBe('attributes.service_outcome');
  });

  it("refuses a dimension whose codelist is neither the attribute's nor one it generalizes to", () => {
    // sex codes are no region codes: every node would count its incidents nowhere
    expect(refusedField(draft((d) => (dimension(d, 'incidents_monthly', 'region').attribute = 'sex')))).toBe('datasets.0.dimensions.0.codelist');
    // the attribute's codelist is below the dimension's (district -> region): fine; above it, not
    expect(refusedField(draft((d) => (d.attributes.district = 'region')))).toBeNull();
    expect(refusedField(draft((d) => (dimension(d, 'services_monthly', 'service_outcome').attribute = 'service_type')))).toBe('datasets.1.dimensions.1.codelist');
  });

  it('refuses a generalization a node cannot follow: a code without a parent, a parent codelist not in the document, a loop', () => {
    const list = (d: any, id: string): any => d.codelists.find((l: any) => l.id === id);
    expect(refusedField(draft((d) => delete list(d, 'district').codes[3].parent))).toBe('codelists.district');
    expect(refusedField(draft((d) => (list(d, 'district').codes[3].parent = 'TJ-XX')))).toBe('codelists.district');
    expect(refusedField(draft((d) => (list(d, 'district').parentCodelist = 'no_such_codelist')))).toBe('codelists.district.parentCodelist');
    // violence_type -> family_law_form -> violence_type ... never reaches sex, and the check ends
    const loop = draft((d) => {
      list(d, 'family_law_form').parentCodelist = 'violence_type';
      dimension(d, 'incidents_monthly', 'sex').attribute = 'violence_type';
    });
    expect(refusedField(loop)).toBe('datasets.0.dimensions.2.codelist');
  });
});

describe('incompatibilities: what a new version may not change', () => {
  const fields = (next: any, current: Standard = STANDARD): string[] => incompatibilities(current, checkStandardDocument(next)).map((p) => p.field);

  it('finds nothing in the same standard, nor in a stricter protection', () => {
    expect(fields(draft())).toEqual([]);
    const stricter = draft((d) => {
      Object.assign(dataset(d, 'services_monthly').protection, { k: 7, minContributors: 4, protectionRange: 9 });
      Object.assign(dataset(d, 'hotline_monthly').protection.differentialPrivacy, { epsilonPerRelease: 0.25, annualEpsilon: 3, maxContributionsPerClient: 2 });
    });
    expect(fields(stricter)).toEqual([]);
    // zeros that were structural may become protected
    const structural = draft((d) => (dataset(d, 'services_monthly').protection.structuralZeros = true), '2026.1');
    expect(fields(draft(), structural)).toEqual([]);
  });

  it('refuses a dimension that reads another attribute, or the same attribute from another codelist', () => {
    expect(fields(draft((d) => (dimension(d, 'hotline_monthly', 'caller_sex').attribute = 'sex')))).toEqual(['datasets.hotline_monthly']);
    expect(fields(draft((d) => (d.attributes.district = 'region')))).toEqual(['datasets.incidents_monthly', 'datasets.clients_quarterly']);
  });

  it('refuses a code moved under another parent (a district to another region); a new code with any parent is fine', () => {
    const codelist = (d: any, id: string): any => d.codelists.find((l: any) => l.id === id);
    const districts = codelist(STANDARD, 'district').codes as { code: string; parent?: string }[];
    const [first] = districts;
    const other = districts.find((c) => c.parent !== first.parent && c.parent !== undefined)?.parent as string;
    expect(fields(draft((d) => (codelist(d, 'district').codes.find((c: any) => c.code === first.code).parent = other)))).toEqual(['codelists.district']);
    const added = draft((d) => codelist(d, 'district').codes.push({ code: 'TJ-NEW-1', parent: other, labels: { tg: 'Нав', ru: 'Новый', en: 'New' } }));
    expect(fields(added)).toEqual([]);
  });

  it('refuses every weakened protection setting, naming the dataset and the setting', () => {
    const weaker: [string, (d: any) => void, string][] = [
      ['a lower k', (d) => (dataset(d, 'services_monthly').protection.k = 4), 'datasets.services_monthly.protection.k'],
      ['fewer contributors', (d) => (dataset(d, 'services_monthly').protection.minContributors = 2), 'datasets.services_monthly.protection.minContributors'],
      ['a narrower protection range', (d) => (dataset(d, 'services_monthly').protection.protectionRange = 5), 'datasets.services_monthly.protection.protectionRange'],
      ['protected zeros made structural', (d) => (dataset(d, 'services_monthly').protection.structuralZeros = true), 'datasets.services_monthly.protection.structuralZeros'],
      ['a larger epsilon per release', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.epsilonPerRelease = 0.6), 'datasets.hotline_monthly.protection.differentialPrivacy.epsilonPerRelease'],
      ['a larger annual budget', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.annualEpsilon = 7), 'datasets.hotline_monthly.protection.differentialPrivacy.annualEpsilon'],
      ['more contributions per client', (d) => (dataset(d, 'hotline_monthly').protection.differentialPrivacy.maxContributionsPerClient = 4), 'datasets.hotline_monthly.protection.differentialPrivacy.maxContributionsPerClient'],
    ];
    // the current version asks a protection range of 8 of services_monthly (its k is 5)
    const current = draft((d) => (dataset(d, 'services_monthly').protection.protectionRange = 8), '2026.1');
    for (const [what, edit, field] of weaker) {
      const next = draft((d) => {
        dataset(d, 'services_monthly').protection.protectionRange = 8;
        edit(d);
      });
      expect({ what, fields: fields(next, current) }).toEqual({ what, fields: [field] });
    }
    // a protection range left out falls back to k (5), below the current 8
    expect(fields(draft((d) => delete dataset(d, 'services_monthly').protection.protectionRange), current)).toEqual(['datasets.services_monthly.protection.protectionRange']);
  });
});
