import {
  ClientRecord,
  ConsultationRecord,
  districtsOf,
  DISTRICT,
  IncidentRecord,
  PERPETRATOR_RELATIONSHIP,
  ReferralRecord,
  REGION,
  ServiceRecord,
  StandardIndex,
  VIOLENCE_CLASSIFICATION_ORDER,
  VIOLENCE_TYPE,
} from '@paivand/schema';
import { dayNumber, isoDay } from './dates';
import * as D from './distributions';
import { FEMALE_NAMES, MALE_NAMES, MOBILE_PREFIXES, STREETS, SURNAME_STEMS, ZODA_STEMS } from './names';
import { Rng, Weighted } from './prng';

export interface SyntheticCentre {
  /** Member id; its letters and digits prefix every record id (e.g. `DSH` -> `DSH-C000001`). */
  readonly id: string;
  /** A `centre_type` code: shapes the service mix. */
  readonly centreType: string;
  /** A `region` code: most clients live there. */
  readonly region: string;
  /** The districts the centre mostly serves (default: all of its region); the first is its seat. */
  readonly districts?: readonly string[];
}

export interface RegisterOptions {
  readonly seed: number | string;
  readonly centre: SyntheticCentre;
  /** First and last day (ISO `YYYY-MM-DD`, inclusive) on which incidents are reported. */
  readonly from: string;
  readonly to: string;
  /** Number of incidents. */
  readonly incidents: number;
  /** Hotline consultations (default: 4 per incident for a hotline, 0.5 for a crisis centre, 0.2 otherwise). */
  readonly consultations?: number;
  /** Share of incidents that belong to a client already registered (default 0.15). */
  readonly repeatClientShare?: number;
}

/** One incident with everything recorded about it. `newClient` is true on the client's first incident. */
export interface CaseBundle {
  readonly client: ClientRecord;
  readonly newClient: boolean;
  readonly incident: IncidentRecord;
  readonly services: ServiceRecord[];
  readonly referrals: ReferralRecord[];
}

export interface Register {
  readonly centre: SyntheticCentre;
  readonly clients: ClientRecord[];
  readonly incidents: IncidentRecord[];
  readonly services: ServiceRecord[];
  readonly referrals: ReferralRecord[];
  readonly consultations: ConsultationRecord[];
}

export class SyntheticOptionsError extends Error {
  readonly code = 'SYNTHETIC_OPTIONS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SyntheticOptionsError';
  }
}

const standard = new StandardIndex();
const REGIONS = REGION.codes.map((c) => c.code).filter((c) => c !== 'UNK');
const ALL_DISTRICTS = DISTRICT.codes.filter((c) => !c.code.endsWith('UNK'));
const RU_TYPE = new Map(VIOLENCE_TYPE.codes.map((c) => [c.code, c.labels.ru.toLowerCase()]));
const RU_REL = new Map(PERPETRATOR_RELATIONSHIP.codes.map((c) => [c.code, c.labels.ru.toLowerCase()]));
const RANK = new Map<string, number>(VIOLENCE_CLASSIFICATION_ORDER.map((t, i) => [t, i]));

interface Prepared {
  readonly prefix: string;
  readonly centreType: string;
  readonly region: string;
  readonly fromDay: number;
  readonly toDay: number;
  readonly home: Weighted<string>;
  readonly away: readonly string[];
  readonly services: Weighted<string>;
}

function prepare(o: Pick<RegisterOptions, 'centre' | 'from' | 'to'>): Prepared {
  const { centre } = o;
  if (!standard.hasCode('centre_type', centre.centreType)) throw new SyntheticOptionsError(`unknown centre type ${centre.centreType}`);
  if (!REGIONS.includes(centre.region)) throw new SyntheticOptionsError(`unknown region ${centre.region}`);
  const districts = centre.districts?.length ? [...centre.districts] : districtsOf(centre.region);
  for (const d of districts) if (!standard.hasCode('district', d)) throw new SyntheticOptionsError(`unknown district ${d}`);
  let fromDay: number;
  let toDay: number;
  try {
    fromDay = dayNumber(o.from);
    toDay = dayNumber(o.to);
  } catch (e) {
    throw new SyntheticOptionsError((e as Error).message);
  }
  if (toDay < fromDay) throw new SyntheticOptionsError('`to` is before `from`');
  const prefix = centre.id.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 24) || 'CENTRE';
  return {
    prefix,
    centreType: centre.centreType,
    region: centre.region,
    fromDay,
    toDay,
    home: new Weighted(districts.map((d, i) => [d, i === 0 ? Math.max(3, districts.length / 3) : 1] as const)),
    away: ALL_DISTRICTS.filter((d) => !districts.includes(d.code)).map((d) => d.code),
    services: D.SERVICES_BY_CENTRE[centre.centreType] ?? D.SERVICES_BY_CENTRE.crisis_centre,
  };
}

const pad = (n: number) => String(n).padStart(6, '0');

function syntheticName(rng: Rng, sex: string): string {
  const female = sex !== 'M';
  const given = female ? rng.pick(FEMALE_NAMES) : rng.pick(MALE_NAMES);
  if (rng.chance(0.25)) return `${given} ${rng.pick(ZODA_STEMS)}зода`;
  const stem = rng.pick(SURNAME_STEMS);
  return female ? `${given} ${stem}а` : `${given} ${stem}`;
}

function syntheticPhone(rng: Rng): string {
  return `+992 ${rng.pick(MOBILE_PREFIXES)} 555 ${String(rng.int(0, 99)).padStart(2, '0')} ${String(rng.int(0, 99)).padStart(2, '0')}`;
}

function syntheticAddress(rng: Rng, district: string): string {
  const place = standard.label('district', district, 'ru') ?? 'Таджикистан';
  return `${place}, ${rng.pick(STREETS)}, д. ${rng.int(1, 120)}${rng.chance(0.4) ? `, кв. ${rng.int(1, 80)}` : ''}`;
}

function newClient(rng: Rng, p: Prepared, seq: number, day: number): ClientRecord {
  const sex = D.SEX.draw(rng);
  const range = D.AGE_RANGES.draw(rng);
  const age = range ? rng.int(range[0], range[1]) : undefined;
  const district = pickDistrict(rng, p);
  const minor = age !== undefined && age < 18;
  const client: ClientRecord = {
    clientCode: `${p.prefix}-C${pad(seq)}`,
    sex,
    district,
    maritalStatus: (minor ? D.MARITAL_MINOR : D.MARITAL_ADULT).draw(rng),
    migrationStatus: D.MIGRATION.draw(rng),
    hasDisability: rng.chance(0.07),
    registeredOn: isoDay(day),
  };
  if (age !== undefined) {
    if (rng.chance(0.6)) {
      const dob = isoDay(day - Math.floor(age * 365.2425) - rng.int(0, 364));
      client.dateOfBirth = dob;
      client.birthYear = Number(dob.slice(0, 4));
    } else {
      client.birthYear = Number(isoDay(day).slice(0, 4)) - age;
    }
  }
  if (rng.chance(0.95)) client.fullName = syntheticName(rng, sex);
  if (rng.chance(0.8)) client.phone = syntheticPhone(rng);
  if (rng.chance(0.85)) client.address = syntheticAddress(rng, district);
  if (rng.chance(0.3)) client.notes = `Синтетическая заметка ${client.clientCode}: запись создана генератором для тестов.`;
  return client;
}

function pickDistrict(rng: Rng, p: Prepared): string {
  const x = rng.next();
  if (x < 0.88 || p.away.length === 0) return p.home.draw(rng);
  if (x < 0.98) return rng.pick(p.away);
  return `${p.region}-UNK`;
}

function violenceTypesOf(rng: Rng): { types: string[]; classified: string } {
  const classified = D.CLASSIFIED_TYPE.draw(rng);
  const rank = RANK.get(classified)!;
  const types = [classified];
  for (const [t, p] of D.CO_OCCURRING) if (RANK.get(t)! > rank && rng.chance(p)) types.push(t);
  // Order as a caseworker would tick them, not by severity.
  if (types.length > 1 && rng.chance(0.5)) types.reverse();
  return { types, classified };
}

function ageAt(client: ClientRecord, day: number): number | undefined {
  if (client.birthYear === undefined) return undefined;
  return Number(isoDay(day).slice(0, 4)) - client.birthYear;
}

/**
 * The register of a synthetic centre, one incident at a time, in order of the reported
 * date: memory stays flat however many incidents are asked for.
 */
export function* iterateRegister(options: RegisterOptions): Generator<CaseBundle, void, undefined> {
  const p = prepare(options);
  const n = options.incidents;
  if (!Number.isInteger(n) || n < 0) throw new SyntheticOptionsError('`incidents` must be a non-negative integer');
  const repeatShare = options.repeatClientShare ?? 0.15;
  const rng = new Rng(`${String(options.seed)}|${p.prefix}|register`);
  const span = p.toDay - p.fromDay + 1;
  const recent: ClientRecord[] = [];
  let clients = 0;
  let services = 0;
  let referrals = 0;

  for (let i = 0; i < n; i++) {
    const day = p.fromDay + Math.min(span - 1, Math.floor(((i + rng.next()) * span) / n));
    let client: ClientRecord;
    let isNew = true;
    if (recent.length > 0 && rng.chance(repeatShare)) {
      client = recent[rng.int(0, recent.length - 1)];
      isNew = false;
    } else {
      client = newClient(rng, p, ++clients, day);
      if (recent.length < 256) recent.push(client);
      else recent[rng.int(0, 255)] = client;
    }

    const incidentId = `${p.prefix}-I${pad(i + 1)}`;
    const lagDraw = rng.next();
    const lag = lagDraw < 0.35 ? 0 : lagDraw < 0.7 ? rng.int(1, 7) : lagDraw < 0.9 ? rng.int(8, 30) : rng.int(31, 180);
    const { types, classified } = violenceTypesOf(rng);
    const age = ageAt(client, day);
    const perpetrator = (age !== undefined && age < 18 ? D.PERPETRATOR_MINOR : D.PERPETRATOR_ADULT).draw(rng);
    const reportedDate = isoDay(day);
    const incident: IncidentRecord = {
      incidentId,
      clientCode: client.clientCode,
      incidentDate: isoDay(day - lag),
      reportedDate,
      district: rng.chance(0.92) ? client.district : p.home.draw(rng),
      violenceTypes: types,
      violenceType: classified,
      perpetratorRelationship: perpetrator,
      consent: { services: rng.chance(0.97), reporting: rng.chance(0.85), givenOn: reportedDate },
      reportedByOtherMember: rng.chance(0.03),
    };
    if (rng.chance(0.7)) {
      incident.narrative = `Синтетическое описание случая ${incidentId}: ${RU_TYPE.get(classified)}; виновный: ${RU_REL.get(perpetrator)}.`;
    }

    const serviceList: ServiceRecord[] = [];
    const count = D.SERVICES_PER_INCIDENT.draw(rng);
    const seen = new Set<string>();
    let referredOut = false;
    for (let j = 0; j < count; j++) {
      const serviceType = p.services.draw(rng);
      if (seen.has(serviceType)) continue;
      seen.add(serviceType);
      const outcome = D.OUTCOME.draw(rng);
      if (outcome === 'referred') referredOut = true;
      serviceList.push({
        serviceId: `${p.prefix}-S${pad(++services)}`,
        incidentId,
        date: isoDay(Math.min(p.toDay, day + (j === 0 ? 0 : rng.int(1, 45)))),
        serviceType,
        outcome,
      });
    }

    const referralList: ReferralRecord[] = [];
    if (rng.chance(0.3)) {
      referralList.push({
        referralId: `${p.prefix}-R${pad(++referrals)}`,
        incidentId,
        date: reportedDate,
        direction: 'incoming',
        source: D.REFERRAL_SOURCE.draw(rng),
        accepted: rng.chance(0.97),
      });
    }
    if (referredOut || rng.chance(0.2)) {
      referralList.push({
        referralId: `${p.prefix}-R${pad(++referrals)}`,
        incidentId,
        date: isoDay(Math.min(p.toDay, day + rng.int(0, 14))),
        direction: 'outgoing',
        destination: D.REFERRAL_DESTINATION.draw(rng),
        accepted: rng.chance(0.85),
      });
    }

    yield { client, newClient: isNew, incident, services: serviceList, referrals: referralList };
  }
}

export interface ConsultationOptions {
  readonly seed: number | string;
  readonly centre: SyntheticCentre;
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/** Hotline consultations of a centre, in date order (lazily). */
export function* generateHotlineConsultations(options: ConsultationOptions): Generator<ConsultationRecord, void, undefined> {
  const p = prepare(options);
  const n = options.count;
  if (!Number.isInteger(n) || n < 0) throw new SyntheticOptionsError('`count` must be a non-negative integer');
  const rng = new Rng(`${String(options.seed)}|${p.prefix}|hotline`);
  const span = p.toDay - p.fromDay + 1;
  let callers = 0;
  const repeatCallers: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = p.fromDay + Math.min(span - 1, Math.floor(((i + rng.next()) * span) / n));
    const c: ConsultationRecord = {
      consultationId: `${p.prefix}-H${pad(i + 1)}`,
      date: isoDay(day),
      topic: D.HOTLINE_TOPIC.draw(rng),
      callerSex: D.CALLER_SEX.draw(rng),
      callerIsSurvivor: rng.chance(0.7),
    };
    if (rng.chance(0.6)) c.callerAgeBand = D.CALLER_AGE_BAND.draw(rng);
    if (rng.chance(0.5)) c.district = pickDistrict(rng, p);
    if (rng.chance(0.3)) {
      if (repeatCallers.length > 0 && rng.chance(0.4)) c.callerCode = rng.pick(repeatCallers);
      else {
        c.callerCode = `${p.prefix}-K${pad(++callers)}`;
        if (repeatCallers.length < 128) repeatCallers.push(c.callerCode);
      }
    }
    if (rng.chance(0.2)) c.referredTo = D.REFERRAL_DESTINATION.draw(rng);
    if (rng.chance(0.25)) c.notes = `Синтетическая консультация ${c.consultationId}.`;
    yield c;
  }
}

function defaultConsultations(centreType: string, incidents: number): number {
  const perIncident = centreType === 'hotline' ? 4 : centreType === 'crisis_centre' ? 0.5 : 0.2;
  return Math.round(incidents * perIncident);
}

/** A whole register in memory (for the demo, tests and node seeding). */
export function generateRegister(options: RegisterOptions): Register {
  const register: Register = { centre: options.centre, clients: [], incidents: [], services: [], referrals: [], consultations: [] };
  for (const b of iterateRegister(options)) {
    if (b.newClient) register.clients.push(b.client);
    register.incidents.push(b.incident);
    register.services.push(...b.services);
    register.referrals.push(...b.referrals);
  }
  const count = options.consultations ?? defaultConsultations(options.centre.centreType, options.incidents);
  for (const c of generateHotlineConsultations({ ...options, count })) register.consultations.push(c);
  return register;
}
