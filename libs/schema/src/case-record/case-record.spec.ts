import { STANDARD, StandardIndex } from '../standard';
import { ageBandOn } from './client.record';
import { latestRecordDate } from './decorators';
import { IDENTIFIABLE_FIELDS, IDENTIFIABLE_FIELDS_BY_KIND, withoutIdentifiable } from './identifiable';
import { CASE_RECORD_CLASSES, validateCaseRecord } from './validate';
import { getMetadataStorage } from 'class-validator';

const client = () => ({
  clientCode: 'DSH-2026-00042',
  sex: 'F',
  birthYear: 1994,
  district: 'TJ-SU-KHJ',
  maritalStatus: 'nikoh',
  migrationStatus: 'family_left_behind',
  hasDisability: false,
  registeredOn: '2026-03-02',
  fullName: 'Синтетика Тестова',
  phone: '+992 93 555 01 02',
  address: 'Synthetic street 1',
  dateOfBirth: '1994-05-17',
  notes: 'synthetic note',
});

const incident = () => ({
  incidentId: 'INC-1',
  clientCode: 'DSH-2026-00042',
  incidentDate: '2026-02-27',
  reportedDate: '2026-03-02',
  district: 'TJ-SU-KHJ',
  violenceTypes: ['psychological_emotional_abuse', 'physical_assault'],
  violenceType: 'physical_assault',
  perpetratorRelationship: 'mother_in_law',
  consent: { services: true, reporting: true, givenOn: '2026-03-02' },
  reportedByOtherMember: false,
  narrative: 'synthetic narrative',
});

const errorsOf = (kind: keyof typeof CASE_RECORD_CLASSES, plain: unknown) => {
  const r = validateCaseRecord(kind, plain);
  return r.valid ? [] : r.errors;
};

describe('case record validation', () => {
  it('accepts valid records of every kind', () => {
    expect(errorsOf('client', client())).toEqual([]);
    expect(errorsOf('incident', incident())).toEqual([]);
    expect(errorsOf('service', { serviceId: 'S-1', incidentId: 'INC-1', date: '2026-03-02', serviceType: 'legal_counselling', outcome: 'provided' })).toEqual([]);
    expect(errorsOf('referral', { referralId: 'R-1', incidentId: 'INC-1', date: '2026-03-03', direction: 'outgoing', destination: 'shelter', accepted: true })).toEqual([]);
    expect(errorsOf('referral', { referralId: 'R-2', incidentId: 'INC-1', date: '2026-03-01', direction: 'incoming', source: 'police', accepted: true })).toEqual([]);
    expect(errorsOf('consultation', { consultationId: 'H-1', date: '2026-03-03', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true })).toEqual([]);
    const ok = validateCaseRecord('incident', incident());
    expect(ok.valid && ok.record.consent.reporting).toBe(true);
  });

  it('carries a consultation\'s consent to reporting, as the node stores and exports it (a boolean, optional)', () => {
    const call = { consultationId: 'H-1', date: '2026-03-03', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true };
    expect(errorsOf('consultation', { ...call, consentReporting: true })).toEqual([]);
    expect(errorsOf('consultation', { ...call, consentReporting: false })).toEqual([]);
    expect(errorsOf('consultation', { ...call, consentReporting: 'yes' })).toEqual([expect.objectContaining({ field: 'consentReporting', code: 'INVALID_TYPE' })]);
  });

  it('refuses a missing code, naming the field', () => {
    const { sex: _sex, ...noSex } = client();
    expect(errorsOf('client', noSex)).toEqual([{ field: 'sex', code: 'REQUIRED', message: 'sex is required' }]);
    const { perpetratorRelationship: _p, ...noPerp } = incident();
    const errs = errorsOf('incident', noPerp);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ field: 'perpetratorRelationship', code: 'REQUIRED' });
    expect(errs[0].message).toContain('perpetratorRelationship');
  });

  it('refuses an unknown code, naming the field and the codelist', () => {
    expect(errorsOf('client', { ...client(), district: 'TJ-XX-NOPE' })).toEqual([
      { field: 'district', code: 'UNKNOWN_CODE', message: 'district is not a code of the district codelist' },
    ]);
    expect(errorsOf('incident', { ...incident(), violenceTypes: ['physical_assault', 'slap'] })).toEqual([
      expect.objectContaining({ field: 'violenceTypes', code: 'UNKNOWN_CODE' }),
    ]);
    expect(errorsOf('service', { serviceId: 'S-1', incidentId: 'INC-1', date: '2026-03-02', serviceType: 'legal_counselling', outcome: 'great' })).toEqual([
      expect.objectContaining({ field: 'outcome', code: 'UNKNOWN_CODE' }),
    ]);
    expect(errorsOf('referral', { referralId: 'R-1', incidentId: 'INC-1', date: '2026-03-03', direction: 'outgoing', accepted: true })).toEqual([
      expect.objectContaining({ field: 'destination', code: 'REQUIRED' }),
    ]);
  });

  it('refuses a classified type that is not the GBVIMS classification of the observed types', () => {
    expect(errorsOf('incident', { ...incident(), violenceType: 'psychological_emotional_abuse' })).toEqual([
      { field: 'violenceType', code: 'CLASSIFICATION_MISMATCH', message: 'violenceType must be the GBVIMS classification of violenceTypes' },
    ]);
    expect(errorsOf('incident', { ...incident(), violenceTypes: ['rape', 'physical_assault'], violenceType: 'rape' })).toEqual([]);
  });

  it('refuses bad dates and dates out of order', () => {
    expect(errorsOf('incident', { ...incident(), incidentDate: '2026-02-30' })).toEqual([expect.objectContaining({ field: 'incidentDate', code: 'INVALID_DATE' })]);
    expect(errorsOf('incident', { ...incident(), reportedDate: '2026-02-01' })).toEqual([expect.objectContaining({ field: 'reportedDate', code: 'DATE_ORDER' })]);
    expect(errorsOf('client', { ...client(), registeredOn: '02.03.2026' })).toEqual([expect.objectContaining({ field: 'registeredOn', code: 'INVALID_DATE' })]);
  });

  it('refuses implausible dates: in the future (a day of grace for the time zone), a birth date outside the birth year', () => {
    const day = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    expect(latestRecordDate(new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-25');
    expect(errorsOf('incident', { ...incident(), incidentDate: day(1), reportedDate: day(1), consent: { services: true, reporting: true } })).toEqual([]);
    expect(errorsOf('incident', { ...incident(), reportedDate: day(2) })).toEqual([expect.objectContaining({ field: 'reportedDate', code: 'DATE_IN_FUTURE', message: 'reportedDate must not be in the future' })]);
    expect(errorsOf('client', { ...client(), birthYear: Number(latestRecordDate().slice(0, 4)) + 1 })).toEqual([expect.objectContaining({ field: 'birthYear', code: 'DATE_IN_FUTURE' })]);
    expect(errorsOf('client', { ...client(), dateOfBirth: '1995-01-01' })).toEqual([expect.objectContaining({ field: 'dateOfBirth', code: 'INCONSISTENT', message: 'dateOfBirth must agree with birthYear' })]);
    expect(errorsOf('client', { ...client(), birthYear: undefined, dateOfBirth: '1995-01-01' })).toEqual([]);
    expect(errorsOf('service', { incidentId: 'INC-1', serviceId: 'S-1', date: '2099-01-01', serviceType: 'legal_counselling', outcome: 'provided' }).map((e) => `${e.field}:${e.code}`)).toContain('date:DATE_IN_FUTURE');
  });

  it('checks the nested consent and refuses unknown fields', () => {
    const { consent } = incident();
    expect(errorsOf('incident', { ...incident(), consent: { services: consent.services } })).toEqual([
      { field: 'consent.reporting', code: 'REQUIRED', message: 'consent.reporting is required' },
    ]);
    expect(errorsOf('incident', { ...incident(), consent: 'yes' })).toEqual([expect.objectContaining({ field: 'consent', code: 'INVALID_TYPE' })]);
    expect(errorsOf('client', { ...client(), passportNumber: 'A1234567' })).toEqual([expect.objectContaining({ field: 'passportNumber', code: 'UNKNOWN_FIELD' })]);
    expect(errorsOf('client', null)).toEqual([expect.objectContaining({ code: 'INVALID_TYPE' })]);
  });

  it('never echoes a value in an error', () => {
    const secret = 'Гулнора Раҳимова +992 93 777 66 55';
    const bad = { ...client(), fullName: secret.repeat(20), phone: secret, address: 42, dateOfBirth: secret, notes: { text: secret }, sex: secret, extra: secret };
    const errs = errorsOf('client', bad);
    expect(errs.map((e) => e.field).sort()).toEqual(['address', 'dateOfBirth', 'extra', 'fullName', 'notes', 'phone', 'sex']);
    const text = JSON.stringify(errs);
    expect(text).not.toContain('Гулнора');
    expect(text).not.toContain('777');
    expect(errorsOf('incident', { ...incident(), narrative: { x: secret } }).map((e) => e.message).join()).not.toContain('Гулнора');
  });

  it('checks codes against the standard it is given', () => {
    const extended = new StandardIndex({
      ...STANDARD,
      codelists: STANDARD.codelists.map((l) =>
        l.id === 'service_type' ? { ...l, codes: [...l.codes, { code: 'art_therapy', labels: { tg: 'Арт-терапия', ru: 'Арт-терапия', en: 'Art therapy' } }] } : l,
      ),
    });
    const svc = { serviceId: 'S-1', incidentId: 'INC-1', date: '2026-03-02', serviceType: 'art_therapy', outcome: 'provided' };
    expect(validateCaseRecord('service', svc).valid).toBe(false);
    expect(validateCaseRecord('service', svc, { standard: extended }).valid).toBe(true);
    expect(validateCaseRecord('service', svc).valid).toBe(false);
  });

  it('declares identifiable fields that exist on the record classes', () => {
    const storage = getMetadataStorage();
    for (const [kind, fields] of Object.entries(IDENTIFIABLE_FIELDS_BY_KIND)) {
      const cls = CASE_RECORD_CLASSES[kind as keyof typeof CASE_RECORD_CLASSES];
      const props = new Set(storage.getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
      for (const f of fields) {
        expect([kind, f, props.has(f)]).toEqual([kind, f, true]);
        expect(IDENTIFIABLE_FIELDS).toContain(f);
      }
    }
    const stripped = withoutIdentifiable(client());
    expect(Object.keys(stripped).some((k) => (IDENTIFIABLE_FIELDS as readonly string[]).includes(k))).toBe(false);
    expect(stripped.clientCode).toBe('DSH-2026-00042');
  });

  it('derives the age band from the birth date or year', () => {
    expect(ageBandOn({ dateOfBirth: '2008-05-17' }, '2026-05-16')).toBe('Y12T17');
    expect(ageBandOn({ dateOfBirth: '2008-05-17' }, '2026-05-17')).toBe('Y18T24');
    expect(ageBandOn({ birthYear: 1990 }, '2026-01-01')).toBe('Y35T49');
    expect(ageBandOn({}, '2026-01-01')).toBe('UNK');
  });
});
