import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  ATTRIBUTE_CODELIST,
  caseRecordJsonSchemas,
  CaseRecordKind,
  classifyViolence,
  IDENTIFIABLE_FIELDS,
  isPeriod,
  REGION,
  StandardIndex,
  validateCaseRecord,
} from '@paivand/schema';
import { generateHotlineConsultations, generateRegister, generateReportableRecords, iterateRegister, Register, SyntheticOptionsError, toReportableRecords } from './index';
import { Rng, Weighted } from './prng';

const centre = { id: 'khj-cc', centreType: 'crisis_centre', region: 'TJ-SU' };
const options = { seed: 2026, centre, from: '2025-11-01', to: '2026-10-31', incidents: 1500 };
const regionOf = new Map(new StandardIndex().codelist('district')!.codes.map((c) => [c.code, c.parent]));
const share = <T>(items: readonly T[], pred: (t: T) => boolean) => items.filter(pred).length / items.length;

describe('synthetic register', () => {
  let register: Register;
  beforeAll(() => {
    register = generateRegister(options);
  });

  it('is deterministic for a seed, and differs for another seed', () => {
    expect(generateRegister(options)).toEqual(register);
    const other = generateRegister({ ...options, seed: 2027 });
    expect(other.incidents).toHaveLength(1500);
    expect(other).not.toEqual(register);
    expect(other.clients.map((c) => c.fullName)).not.toEqual(register.clients.map((c) => c.fullName));
    expect(generateRegister({ ...options, seed: 'a' })).toEqual(generateRegister({ ...options, seed: 'a' }));
  });

  it('validates, record by record, against the case record schema (DTO rules and JSON Schema)', () => {
    const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
    addFormats(ajv);
    for (const k of ['x-codelist', 'x-identifiable', 'x-identifiable-fields']) ajv.addKeyword(k);
    const schemas = caseRecordJsonSchemas();
    const lists: Array<[CaseRecordKind, readonly object[]]> = [
      ['client', register.clients],
      ['incident', register.incidents],
      ['service', register.services],
      ['referral', register.referrals],
      ['consultation', register.consultations],
    ];
    for (const [kind, records] of lists) {
      expect(records.length).toBeGreaterThan(0);
      const validate = ajv.compile(schemas[kind]);
      for (const r of records) {
        const v = validateCaseRecord(kind, r);
        if (!v.valid) throw new Error(`${kind} ${JSON.stringify(v.errors)}`);
        if (!validate(r)) throw new Error(`${kind} ${ajv.errorsText(validate.errors)}`);
      }
    }
  });

  it('keeps references whole: incidents name registered clients, services and referrals name incidents', () => {
    const clients = new Set(register.clients.map((c) => c.clientCode));
    const incidents = new Set(register.incidents.map((i) => i.incidentId));
    expect(clients.size).toBe(register.clients.length);
    expect(incidents.size).toBe(register.incidents.length);
    for (const i of register.incidents) expect(clients.has(i.clientCode)).toBe(true);
    for (const s of register.services) expect(incidents.has(s.incidentId)).toBe(true);
    for (const r of register.referrals) expect(incidents.has(r.incidentId)).toBe(true);
    for (const i of register.incidents) {
      expect(i.violenceType).toBe(classifyViolence(i.violenceTypes));
      expect(i.reportedDate >= '2025-11-01' && i.reportedDate <= '2026-10-31').toBe(true);
    }
  });

  it('has plausible distributions', () => {
    const { clients, incidents, services } = register;
    expect(share(clients, (c) => c.sex === 'F')).toBeGreaterThan(0.85);
    expect(share(clients, (c) => c.sex === 'F')).toBeLessThan(0.95);

    const byType = new Map<string, number>();
    for (const i of incidents) byType.set(i.violenceType, (byType.get(i.violenceType) ?? 0) + 1);
    const ranked = [...byType].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    expect(ranked.slice(0, 2).sort()).toEqual(['physical_assault', 'psychological_emotional_abuse']);
    expect(share(incidents, (i) => i.violenceType === 'rape' || i.violenceType === 'sexual_assault')).toBeLessThan(0.2);
    expect(share(incidents, (i) => i.violenceTypes.length > 1)).toBeGreaterThan(0.3);

    const ages = clients.filter((c) => c.birthYear !== undefined).map((c) => Number(c.registeredOn.slice(0, 4)) - c.birthYear!);
    expect(share(ages, (a) => a >= 18 && a <= 50)).toBeGreaterThan(0.65);
    expect(share(ages, (a) => a < 18)).toBeGreaterThan(0.02);

    expect(share(incidents, (i) => regionOf.get(i.district) === 'TJ-SU')).toBeGreaterThan(0.8);
    expect(share(incidents, (i) => regionOf.get(i.district) !== 'TJ-SU')).toBeGreaterThan(0.02);
    expect(share(incidents, (i) => i.consent.reporting)).toBeGreaterThan(0.8);
    expect(share(incidents, (i) => i.consent.reporting)).toBeLessThan(0.9);
    const other = share(incidents, (i) => i.reportedByOtherMember);
    expect(other).toBeGreaterThan(0.01);
    expect(other).toBeLessThan(0.06);
    expect(share(incidents, (i) => i.perpetratorRelationship === 'intimate_partner')).toBeGreaterThan(0.4);
    expect(incidents.some((i) => i.perpetratorRelationship === 'mother_in_law')).toBe(true);

    const perIncident = new Map<string, number>();
    for (const s of services) perIncident.set(s.incidentId, (perIncident.get(s.incidentId) ?? 0) + 1);
    expect(perIncident.size).toBe(incidents.length);
    expect(Math.min(...perIncident.values())).toBe(1);
    expect(Math.max(...perIncident.values())).toBe(3);

    expect(clients.length).toBeLessThan(incidents.length * 0.95);
    expect(register.referrals.some((r) => r.direction === 'incoming')).toBe(true);
    expect(register.referrals.some((r) => r.direction === 'outgoing')).toBe(true);
    expect(share(register.consultations, (c) => c.callerSex === 'F')).toBeGreaterThan(0.7);
  });

  it('fills identifiable fields with obviously synthetic values', () => {
    const withPhone = register.clients.filter((c) => c.phone);
    expect(withPhone.length).toBeGreaterThan(register.clients.length / 2);
    for (const c of withPhone) expect(c.phone).toMatch(/^\+992 9\d 555 \d\d \d\d$/);
    for (const c of register.clients.filter((x) => x.address)) expect(c.address).toMatch(/Синтетическ|Синтетикӣ|Тестовая|Намунавӣ/);
    expect(register.clients.filter((c) => c.fullName).length).toBeGreaterThan(register.clients.length * 0.9);
    expect(register.clients.some((c) => c.dateOfBirth)).toBe(true);
  });

  it('uses the centre districts when given', () => {
    const r = generateRegister({ ...options, incidents: 400, centre: { id: 'bokhtar', centreType: 'shelter', region: 'TJ-KT', districts: ['TJ-KT-BOK', 'TJ-KT-VAK'] } });
    expect(share(r.clients, (c) => c.district === 'TJ-KT-BOK' || c.district === 'TJ-KT-VAK')).toBeGreaterThan(0.8);
    expect(share(r.services, (s) => s.serviceType === 'shelter')).toBeGreaterThan(0.2);
  });

  it('refuses bad options', () => {
    expect(() => generateRegister({ ...options, centre: { ...centre, region: 'TJ-XX' } })).toThrow(SyntheticOptionsError);
    expect(() => generateRegister({ ...options, centre: { ...centre, centreType: 'spa' } })).toThrow(SyntheticOptionsError);
    expect(() => generateRegister({ ...options, from: '2026-02-30' })).toThrow(SyntheticOptionsError);
    expect(() => generateRegister({ ...options, from: '2027-01-01' })).toThrow(SyntheticOptionsError);
    expect(() => generateRegister({ ...options, incidents: -1 })).toThrow(SyntheticOptionsError);
    expect(generateRegister({ ...options, incidents: 0 }).incidents).toEqual([]);
  });
});

describe('reportable records', () => {
  const register = generateRegister(options);
  const records = [...toReportableRecords(register, { salt: 'extract-1' })];
  const index = new StandardIndex();

  it('emits every unit with SDMX months, codes of the standard and nothing identifiable', () => {
    const units = new Set(records.map((r) => r.unit));
    expect([...units].sort()).toEqual(['client', 'consultation', 'incident', 'service']);
    expect(records.filter((r) => r.unit === 'incident')).toHaveLength(register.incidents.length);
    expect(records.filter((r) => r.unit === 'service')).toHaveLength(register.services.length);
    expect(records.filter((r) => r.unit === 'consultation')).toHaveLength(register.consultations.length);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(['attributes', 'consentReporting', 'month', 'reportedByOtherMember', 'subject', 'unit']);
      expect(r.month).toMatch(/^\d{4}-\d{2}$/);
      expect(isPeriod(r.month)).toBe(true);
      for (const [attr, code] of Object.entries(r.attributes)) {
        const list = ATTRIBUTE_CODELIST[attr as keyof typeof ATTRIBUTE_CODELIST];
        if (!index.hasCode(list, code)) throw new Error(`${attr}=${code} is not a code of ${list}`);
      }
    }
    const text = JSON.stringify(records);
    // Codes, months and pseudonyms are ASCII: no name, address or note can hide in the output.
    expect(text).not.toMatch(/[\u0400-\u04FF]/);
    expect(text).not.toContain('+992');
    expect(text).not.toMatch(/-[CIKH]\d{6}/);
    for (const c of register.clients.slice(0, 50)) {
      for (const f of IDENTIFIABLE_FIELDS) {
        const v = (c as unknown as Record<string, unknown>)[f];
        if (typeof v === 'string') expect(text.includes(v)).toBe(false);
      }
      expect(text.includes(c.clientCode)).toBe(false);
    }
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('counts incidents with their consent and other-member flags and the age band at the incident', () => {
    const inc = records.filter((r) => r.unit === 'incident');
    expect(inc.filter((r) => r.consentReporting)).toHaveLength(register.incidents.filter((i) => i.consent.reporting).length);
    expect(inc.filter((r) => r.reportedByOtherMember)).toHaveLength(register.incidents.filter((i) => i.reportedByOtherMember).length);
    expect(inc.every((r) => /^(Y\d+T\d+|UNK)$/.test(r.attributes.age_band!))).toBe(true);
    expect(inc.map((r) => r.attributes.violence_type)).toEqual(register.incidents.map((i) => i.violenceType));
  });

  it('gives one pseudonym per client within an extract, another under another salt', () => {
    const inc = records.filter((r) => r.unit === 'incident');
    const byClient = new Map<string, Set<string>>();
    register.incidents.forEach((i, n) => byClient.set(i.clientCode, (byClient.get(i.clientCode) ?? new Set()).add(inc[n].subject)));
    for (const s of byClient.values()) expect(s.size).toBe(1);
    expect(new Set(inc.map((r) => r.subject)).size).toBe(register.clients.length);
    const again = [...toReportableRecords(register, { salt: 'extract-2', units: ['incident'] })];
    expect(again[0].subject).not.toBe(inc[0].subject);
  });

  it('counts a client once per quarter', () => {
    const seen = new Set<string>();
    for (const r of records.filter((x) => x.unit === 'client')) {
      const q = `${r.subject}|${r.month.slice(0, 4)}-Q${Math.ceil(Number(r.month.slice(5)) / 3)}`;
      expect(seen.has(q)).toBe(false);
      seen.add(q);
    }
    expect(seen.size).toBeGreaterThan(register.clients.length * 0.9);
  });

  it('streams the same records as the in-memory register', () => {
    const streamed = [...generateReportableRecords({ ...options, salt: 'extract-1', consultations: register.consultations.length })];
    expect(streamed).toEqual(records);
    const viaBundles = [...toReportableRecords(iterateRegister(options), { salt: 'extract-1', units: ['incident'] })];
    expect(viaBundles).toEqual(records.filter((r) => r.unit === 'incident'));
  });

  it('generates 100,000 records lazily', () => {
    let n = 0;
    for (const r of generateReportableRecords({ seed: 9, centre, from: '2024-01-01', to: '2026-12-31', incidents: 38_000, salt: 's', units: ['incident', 'service'] })) {
      if (r.unit === 'incident' || r.unit === 'service') n++;
    }
    expect(n).toBeGreaterThan(95_000);
  });
});

describe('hotline consultations', () => {
  it('are deterministic and in date order', () => {
    const o = { seed: 5, centre: { id: 'hl', centreType: 'hotline', region: 'TJ-DU' }, from: '2026-01-01', to: '2026-03-31', count: 300 };
    const a = [...generateHotlineConsultations(o)];
    expect([...generateHotlineConsultations(o)]).toEqual(a);
    expect(a.map((c) => c.date)).toEqual([...a.map((c) => c.date)].sort());
    expect(a.some((c) => c.callerCode !== undefined)).toBe(true);
  });
});

describe('prng', () => {
  it('is deterministic, uniform enough, and weighted draws follow their weights', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    const w = new Weighted([['a', 1], ['b', 3], ['z', 0]] as const);
    const rng = new Rng('w');
    const draws = Array.from({ length: 20_000 }, () => w.draw(rng));
    expect(share(draws, (d) => d === 'b')).toBeGreaterThan(0.72);
    expect(share(draws, (d) => d === 'b')).toBeLessThan(0.78);
    expect(draws.includes('z')).toBe(false);
    expect(REGION.codes.length).toBeGreaterThan(0);
  });
});
