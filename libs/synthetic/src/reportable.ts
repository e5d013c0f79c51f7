import { createHmac } from 'node:crypto';
import { ageBandOn, ClientRecord, ConsultationRecord, DatasetUnit, IncidentRecord, PeriodType, ReportableRecord, ServiceRecord } from '@paivand/schema';
import { CaseBundle, Register } from './register';

export interface ReportableOptions {
  /** Secret of this extract: the same client gets another pseudonym under another salt. */
  readonly salt: string | Buffer;
  /** Units to emit (default: all four). */
  readonly units?: readonly DatasetUnit[];
  /**
   * Period over which a `client` record counts once (default `quarter`, as in
   * `clients_quarterly`): one client record per client and period in which she was served,
   * dated to the month of her first service in that period.
   */
  readonly clientPeriod?: PeriodType;
}

/** An opaque pseudonym of a client code for one extract: HMAC-SHA-256 with the salt, 128 bits, base64url. */
export function subjectPseudonym(salt: string | Buffer, code: string): string {
  return createHmac('sha256', salt).update(code, 'utf8').digest('base64url').slice(0, 22);
}

const ALL_UNITS: readonly DatasetUnit[] = ['incident', 'service', 'client', 'consultation'];

function periodKey(month: string, type: PeriodType): string {
  switch (type) {
    case 'month':
      return month;
    case 'quarter':
      return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
    case 'year':
      return month.slice(0, 4);
  }
}

/**
 * The node-side projection the anonymizer reads: each event as a `ReportableRecord` with
 * the month instead of the date, the age band instead of the age, codes only, and an
 * opaque per-extract subject. Identifiable fields never reach the output. Lazy.
 */
export function* reportableRecordsOf(
  bundles: Iterable<CaseBundle>,
  options: ReportableOptions,
  consultations: Iterable<ConsultationRecord> = [],
): Generator<ReportableRecord, void, undefined> {
  const units = new Set(options.units ?? ALL_UNITS);
  const clientPeriod = options.clientPeriod ?? 'quarter';
  // Per client: her pseudonym and the periods in which she was counted. Looked up by object
  // identity first (cheap), by code when the same client comes as another object.
  type Info = { readonly subject: string; readonly periods: string[] };
  const byClient = new WeakMap<ClientRecord, Info>();
  const byCode = new Map<string, Info>();
  const infoOf = (client: ClientRecord): Info => {
    let info = byClient.get(client);
    if (info === undefined) {
      // A client object seen for the first time may still be a known code (e.g. re-read from a database).
      info = byCode.get(client.clientCode);
      if (info === undefined) {
        info = { subject: subjectPseudonym(options.salt, client.clientCode), periods: [] };
        byCode.set(client.clientCode, info);
      }
      byClient.set(client, info);
    }
    return info;
  };
  const callers = new Map<string, string>();
  const callerSubject = (code: string): string => {
    let s = callers.get(code);
    if (s === undefined) {
      s = subjectPseudonym(options.salt, code);
      callers.set(code, s);
    }
    return s;
  };

  for (const { client, incident, services } of bundles) {
    const info = infoOf(client);
    const subject = info.subject;
    const consentReporting = incident.consent.reporting;
    const reportedByOtherMember = incident.reportedByOtherMember;
    if (units.has('incident')) {
      yield {
        unit: 'incident',
        month: incident.reportedDate.slice(0, 7),
        subject,
        consentReporting,
        reportedByOtherMember,
        attributes: {
          sex: client.sex,
          age_band: ageBandOn(client, incident.incidentDate),
          district: incident.district,
          violence_type: incident.violenceType,
          perpetrator_relationship: incident.perpetratorRelationship,
          marital_status: client.maritalStatus,
          migration_status: client.migrationStatus,
        },
      };
    }
    for (const s of services) {
      const month = s.date.slice(0, 7);
      if (units.has('service')) yield serviceRecord(s, month, subject, client, incident);
      if (units.has('client')) {
        const key = periodKey(month, clientPeriod);
        if (!info.periods.includes(key)) {
          info.periods.push(key);
          yield {
            unit: 'client',
            month,
            subject,
            consentReporting,
            reportedByOtherMember,
            attributes: {
              sex: client.sex,
              age_band: ageBandOn(client, s.date),
              district: client.district,
              migration_status: client.migrationStatus,
              marital_status: client.maritalStatus,
            },
          };
        }
      }
    }
  }

  if (units.has('consultation')) {
    for (const c of consultations) {
      yield {
        unit: 'consultation',
        month: c.date.slice(0, 7),
        subject: callerSubject(c.callerCode ?? c.consultationId),
        // A consultation is counted without personal data; there is no case to consent for.
        consentReporting: true,
        reportedByOtherMember: false,
        attributes: {
          hotline_topic: c.topic,
          caller_sex: c.callerSex,
          age_band: c.callerAgeBand ?? 'UNK',
          ...(c.district ? { district: c.district } : {}),
        },
      };
    }
  }
}

function serviceRecord(s: ServiceRecord, month: string, subject: string, client: ClientRecord, incident: IncidentRecord): ReportableRecord {
  return {
    unit: 'service',
    month,
    subject,
    consentReporting: incident.consent.reporting,
    // Each centre counts the services it delivered itself.
    reportedByOtherMember: false,
    attributes: {
      service_type: s.serviceType,
      service_outcome: s.outcome,
      sex: client.sex,
      age_band: ageBandOn(client, s.date),
      district: client.district,
      violence_type: incident.violenceType,
    },
  };
}

/** The bundles of an in-memory register (services and referrals grouped by incident). */
export function* bundlesOf(register: Register): Generator<CaseBundle, void, undefined> {
  const clients = new Map(register.clients.map((c) => [c.clientCode, c]));
  const services = groupBy(register.services, (s) => s.incidentId);
  const referrals = groupBy(register.referrals, (r) => r.incidentId);
  const seen = new Set<string>();
  for (const incident of register.incidents) {
    const client = clients.get(incident.clientCode);
    if (!client) throw new Error(`incident ${incident.incidentId} refers to a client missing from the register`);
    const newClient = !seen.has(client.clientCode);
    seen.add(client.clientCode);
    yield { client, newClient, incident, services: services.get(incident.incidentId) ?? [], referrals: referrals.get(incident.incidentId) ?? [] };
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** `ReportableRecord`s of a register (or of a lazy stream of bundles), for every dataset unit. */
export function toReportableRecords(register: Register | Iterable<CaseBundle>, options: ReportableOptions): Generator<ReportableRecord, void, undefined> {
  if (isRegister(register)) return reportableRecordsOf(bundlesOf(register), options, register.consultations);
  return reportableRecordsOf(register, options);
}

function isRegister(x: Register | Iterable<CaseBundle>): x is Register {
  return Array.isArray((x as Register).incidents) && Array.isArray((x as Register).clients);
}
