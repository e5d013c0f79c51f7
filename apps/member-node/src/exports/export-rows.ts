import type { EntityManager } from 'typeorm';
import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';

/** Rows read per query while exporting (keyset pagination: memory stays flat). */
const PAGE = 2000;

/** Column headers of the exported register: the import field names, so an export re-imports as is. */
export const REGISTER_COLUMNS = [
  'clientCode', 'sex', 'birthYear', 'district', 'maritalStatus', 'migrationStatus', 'hasDisability', 'registeredOn',
  'fullName', 'phone', 'address', 'dateOfBirth', 'clientNotes',
  'incidentCode', 'incidentDate', 'reportedDate', 'incidentDistrict', 'violenceTypes', 'violenceType', 'perpetratorRelationship',
  'consentServices', 'consentReporting', 'consentGivenOn', 'reportedByOtherMember', 'narrative',
] as const;
export const SERVICE_COLUMNS = ['incidentCode', 'serviceCode', 'date', 'serviceType', 'outcome', 'notes'] as const;
export const REFERRAL_COLUMNS = ['incidentCode', 'referralCode', 'date', 'direction', 'source', 'destination', 'accepted', 'notes'] as const;

export const CONSULTATION_COLUMNS = [
  'consultationCode', 'callerCode', 'date', 'topic', 'callerSex', 'callerAgeBand', 'district', 'callerIsSurvivor', 'referredTo', 'consentReporting', 'notes',
] as const;

export type ExportValue = string | number | boolean | null;

interface RegisterRow {
  k1: string;
  k2: string;
  client_code: string;
  sex: string;
  birth_year: number | null;
  district: string;
  marital_status: string;
  migration_status: string;
  has_disability: boolean;
  registered_on: string;
  full_name_enc: string | null;
  phone_enc: string | null;
  address_enc: string | null;
  date_of_birth_enc: string | null;
  notes_enc: string | null;
  incident_code: string | null;
  incident_date: string | null;
  reported_date: string | null;
  incident_district: string | null;
  violence_types: string[] | null;
  violence_type: string | null;
  perpetrator_relationship: string | null;
  consent_services: boolean | null;
  consent_reporting: boolean | null;
  consent_given_on: string | null;
  reported_by_other_member: boolean | null;
  narrative_enc: string | null;
  /** The rows' ids (each value is sealed to its row). */
  client_id: string;
  incident_id: string | null;
}

/** Every client of the centre with each of her incidents (a client without incidents gets one row), decrypted. */
export async function* registerRows(db: EntityManager, ring: KeyRing, centreId: string): AsyncGenerator<ExportValue[]> {
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows: RegisterRow[] = await db.query(
      `SELECT c.client_code AS k1, coalesce(i.incident_code, '') AS k2, c.client_code, c.sex, c.birth_year, c.district, c.marital_status,
              c.migration_status, c.has_disability, to_char(c.registered_on, 'YYYY-MM-DD') AS registered_on, c.full_name_enc, c.phone_enc,
              c.address_enc, c.date_of_birth_enc, c.notes_enc, i.incident_code, to_char(i.incident_date, 'YYYY-MM-DD') AS incident_date,
              to_char(i.reported_date, 'YYYY-MM-DD') AS reported_date, i.district AS incident_district, i.violence_types, i.violence_type,
              i.perpetrator_relationship, i.consent_services, i.consent_reporting, to_char(i.consent_given_on, 'YYYY-MM-DD') AS consent_given_on,
              i.reported_by_other_member, i.narrative_enc, c.id AS client_id, i.id AS incident_id
         FROM clients c LEFT JOIN incidents i ON i.client_id = c.id
        WHERE c.centre_id = $1 AND (c.client_code, coalesce(i.incident_code, '')) > ($2, $3)
        ORDER BY c.client_code, coalesce(i.incident_code, '')
        LIMIT ${PAGE}`,
      [centreId, after[0], after[1]],
    );
    for (const r of rows) {
      yield [
        r.client_code, r.sex, r.birth_year, r.district, r.marital_status, r.migration_status, r.has_disability, r.registered_on,
        ring.open(r.full_name_enc, AAD.clientFullName, r.client_id), ring.open(r.phone_enc, AAD.clientPhone, r.client_id),
        ring.open(r.address_enc, AAD.clientAddress, r.client_id), ring.open(r.date_of_birth_enc, AAD.clientDateOfBirth, r.client_id),
        ring.open(r.notes_enc, AAD.clientNotes, r.client_id),
        r.incident_code, r.incident_date, r.reported_date, r.incident_district, r.violence_types?.join(';') ?? null, r.violence_type,
        r.perpetrator_relationship, r.consent_services, r.consent_reporting, r.consent_given_on, r.reported_by_other_member,
        r.incident_id === null ? null : ring.open(r.narrative_enc, AAD.incidentNarrative, r.incident_id),
      ];
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    after = [last.k1, last.k2];
  }
}

/**
 * The rows of `select` page by page (keyset pagination on one text key): `select` takes $1
 * the centre and $2 the last key seen, selects the key as `k` and orders by it.
 */
async function* byKey<R extends { k: string }>(db: EntityManager, select: string, centreId: string): AsyncGenerator<R> {
  let after = '';
  for (;;) {
    const rows: R[] = await db.query(`${select} LIMIT ${PAGE}`, [centreId, after]);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].k;
  }
}

export async function* serviceRows(db: EntityManager, ring: KeyRing, centreId: string): AsyncGenerator<ExportValue[]> {
  const rows = byKey<{ k: string; id: string; incident_code: string; date: string; service_type: string; outcome: string; notes_enc: string | null }>(
    db,
    `SELECT s.service_code AS k, s.id, i.incident_code, to_char(s.date, 'YYYY-MM-DD') AS date, s.service_type, s.outcome, s.notes_enc
       FROM service_deliveries s JOIN incidents i ON i.id = s.incident_id
      WHERE s.centre_id = $1 AND s.service_code > $2 ORDER BY s.service_code`,
    centreId,
  );
  for await (const r of rows) yield [r.incident_code, r.k, r.date, r.service_type, r.outcome, ring.open(r.notes_enc, AAD.serviceNotes, r.id)];
}

export async function* referralRows(db: EntityManager, ring: KeyRing, centreId: string): AsyncGenerator<ExportValue[]> {
  const rows = byKey<{
    k: string;
    id: string;
    incident_code: string;
    date: string;
    direction: string;
    source: string | null;
    destination: string | null;
    accepted: boolean;
    notes_enc: string | null;
  }>(
    db,
    `SELECT r.referral_code AS k, r.id, i.incident_code, to_char(r.date, 'YYYY-MM-DD') AS date, r.direction, r.source, r.destination, r.accepted, r.notes_enc
       FROM referrals r JOIN incidents i ON i.id = r.incident_id
      WHERE r.centre_id = $1 AND r.referral_code > $2 ORDER BY r.referral_code`,
    centreId,
  );
  for await (const r of rows) yield [r.incident_code, r.k, r.date, r.direction, r.source, r.destination, r.accepted, ring.open(r.notes_enc, AAD.referralNotes, r.id)];
}

export async function* consultationRows(db: EntityManager, ring: KeyRing, centreId: string): AsyncGenerator<ExportValue[]> {
  const rows = byKey<{
    k: string;
    id: string;
    caller_code: string | null;
    date: string;
    topic: string;
    caller_sex: string;
    caller_age_band: string | null;
    district: string | null;
    caller_is_survivor: boolean;
    referred_to: string | null;
    consent_reporting: boolean;
    notes_enc: string | null;
  }>(
    db,
    `SELECT consultation_code AS k, id, caller_code, to_char(date, 'YYYY-MM-DD') AS date, topic, caller_sex, caller_age_band, district, caller_is_survivor,
            referred_to, consent_reporting, notes_enc
       FROM consultations WHERE centre_id = $1 AND consultation_code > $2 ORDER BY consultation_code`,
    centreId,
  );
  for await (const r of rows) {
    yield [
      r.k, r.caller_code, r.date, r.topic, r.caller_sex, r.caller_age_band, r.district, r.caller_is_survivor, r.referred_to, r.consent_reporting,
      ring.open(r.notes_enc, AAD.consultationNotes, r.id),
    ];
  }
}
