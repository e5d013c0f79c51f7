import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { getMetadataStorage } from 'class-validator';
import { CASE_RECORD_CLASSES, CASE_RECORD_KINDS } from './case-record/validate';
import { CODELISTS } from './codelists';
import { caseRecordJsonSchemas, signedSubmissionJsonSchema, standardJsonSchemas } from './json-schema';
import { SignedSubmission } from './wire/submission';

function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  for (const k of ['x-codelist', 'x-identifiable', 'x-identifiable-fields']) ajv.addKeyword(k);
  return ajv;
}

describe('JSON Schemas', () => {
  const schemas = caseRecordJsonSchemas();

  it('compile under draft 2020-12 in strict mode', () => {
    const ajv = makeAjv();
    for (const [name, s] of Object.entries(standardJsonSchemas())) {
      expect([name, s.$schema]).toEqual([name, 'https://json-schema.org/draft/2020-12/schema']);
      expect(() => ajv.compile(s)).not.toThrow();
    }
  });

  it.each(CASE_RECORD_KINDS)('%s: has exactly the fields of the DTO class, required where the DTO requires', (kind) => {
    const metas = getMetadataStorage().getTargetValidationMetadatas(CASE_RECORD_CLASSES[kind], '', true, false);
    const props = new Set(metas.map((m) => m.propertyName));
    const schema = schemas[kind] as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual([...props].sort());
    const conditional = new Set(metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
    const required = metas.filter((m) => m.name === 'isDefined' && !conditional.has(m.propertyName)).map((m) => m.propertyName);
    expect([...schema.required].sort()).toEqual([...new Set(required)].sort());
  });

  it('takes its enums from the codelists', () => {
    const incident = schemas.incident as { properties: Record<string, { enum?: string[]; items?: { enum: string[] } }> };
    const codesOf = (id: string) => CODELISTS.find((l) => l.id === id)!.codes.map((c) => c.code);
    expect(incident.properties.perpetratorRelationship.enum).toEqual(codesOf('perpetrator_relationship'));
    expect(incident.properties.violenceTypes.items!.enum).toEqual(codesOf('violence_type'));
    expect(incident.properties.district.enum).toEqual(codesOf('district'));
  });

  it('accepts a valid incident and refuses an unknown code or an unknown field', () => {
    const validate = makeAjv().compile(schemas.incident);
    const ok = {
      incidentId: 'INC-1',
      clientCode: 'C-1',
      incidentDate: '2026-02-27',
      reportedDate: '2026-03-02',
      district: 'TJ-KT-BOK',
      violenceTypes: ['physical_assault'],
      violenceType: 'physical_assault',
      perpetratorRelationship: 'intimate_partner',
      consent: { services: true, reporting: false },
      reportedByOtherMember: false,
    };
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, district: 'TJ-XX' })).toBe(false);
    expect(validate({ ...ok, name: 'x' })).toBe(false);
    expect(validate({ ...ok, consent: { services: true } })).toBe(false);
  });

  it('requires a source on incoming and a destination on outgoing referrals', () => {
    const validate = makeAjv().compile(schemas.referral);
    const base = { referralId: 'R-1', incidentId: 'INC-1', date: '2026-03-02', accepted: true };
    expect(validate({ ...base, direction: 'incoming', source: 'police' })).toBe(true);
    expect(validate({ ...base, direction: 'incoming', destination: 'police' })).toBe(false);
    expect(validate({ ...base, direction: 'outgoing', destination: 'shelter' })).toBe(true);
    expect(validate({ ...base, direction: 'outgoing' })).toBe(false);
  });

  it('takes a consultation with its consent to reporting (a boolean, optional)', () => {
    const validate = makeAjv().compile(schemas.consultation);
    const call = { consultationId: 'H-1', date: '2026-03-03', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true };
    expect(validate({ ...call, consentReporting: false })).toBe(true);
    expect(validate(call)).toBe(true);
    expect(validate({ ...call, consentReporting: 'yes' })).toBe(false);
  });

  it('describes a signed submission', () => {
    const validate = makeAjv().compile(signedSubmissionJsonSchema());
    const signed: SignedSubmission = {
      keyId: 'key-1',
      signature: 'c2lnbmF0dXJl',
      payload: {
        memberId: 'm-1',
        datasetId: 'services_monthly',
        schemaVersion: '2026.1',
        period: '2026-03',
        revision: 1,
        dimensions: ['service_type', 'service_outcome'],
        protection: { method: 'suppression', k: 5, protectionRange: 5 },
        cells: [
          { key: ['_T', '_T'], value: 42, obsStatus: 'A', confStatus: 'F' },
          { key: ['shelter', 'provided'], value: null, obsStatus: 'Q', confStatus: 'A' },
        ],
        contentHash: 'a'.repeat(64),
        preparedAt: '2026-04-02T10:00:00.000Z',
      },
    };
    expect(validate(signed)).toBe(true);
    expect(validate({ ...signed, signature: undefined })).toBe(false);
    expect(validate({ ...signed, payload: { ...signed.payload, period: '2026-13' } })).toBe(false);
    expect(validate({ ...signed, payload: { ...signed.payload, cells: [{ key: ['_T', '_T'], value: -1, obsStatus: 'A', confStatus: 'F' }] } })).toBe(false);
  });
});
