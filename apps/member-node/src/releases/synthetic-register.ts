import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ageBandOn } from '@paivand/schema';
import type { ConsultationRecord } from '@paivand/schema';
import type { CaseBundle } from '@paivand/synthetic';
import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';
import { derivedIncidentCode, incidentFingerprint } from '../register/fingerprint';

export interface FillResult {
  clients: number;
  incidents: number;
  services: number;
  /** The identifiable values written (sealed): tests hunt for them in everything that leaves the node. */
  identifiers: string[];
}

/**
 * Writes synthetic cases (from `@paivand/synthetic`, never real people) straight into the
 * register, in batches, sealing every identifiable field with the node's key ring exactly
 * as the register service does. For the demo, benchmarks and tests: thousands of cases in
 * seconds instead of one GraphQL call each.
 */
export async function fillSyntheticRegister(db: DataSource, ring: KeyRing, centreId: string, bundles: Iterable<CaseBundle>, batchSize = 2000): Promise<FillResult> {
  const result: FillResult = { clients: 0, incidents: 0, services: 0, identifiers: [] };
  const clientIds = new Map<string, string>();
  // the register keeps one incident per fingerprint (client, date, type), as imports do
  const fingerprints = new Set<string>();
  let clients: unknown[][] = [];
  let incidents: unknown[][] = [];
  let services: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (incidents.length === 0 && clients.length === 0) return;
    await db.transaction(async (tx) => {
      if (clients.length > 0) {
        const col = (i: number): unknown[] => clients.map((r) => r[i]);
        await tx.query(
          `INSERT INTO clients (id, centre_id, client_code, sex, birth_year, district, marital_status, migration_status, has_disability, registered_on,
                                full_name_enc, phone_enc, address_enc, date_of_birth_enc, notes_enc)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::date[],
                                $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])`,
          Array.from({ length: 15 }, (_, i) => col(i)),
        );
      }
      if (incidents.length > 0) {
        const col = (i: number): unknown[] => incidents.map((r) => r[i]);
        await tx.query(
          `INSERT INTO incidents (id, centre_id, incident_code, client_id, incident_date, reported_date, district, violence_types, violence_type,
                                  perpetrator_relationship, consent_services, consent_reporting, consent_given_on, reported_by_other_member, narrative_enc, fingerprint,
                                  age_band)
           SELECT u.id, u.centre_id, u.code, u.client_id, u.incident_date, u.reported_date, u.district, string_to_array(u.types, ','), u.violence_type,
                  u.perp, u.cs, u.cr, u.given, u.other, u.narrative, u.fp, u.age_band
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::date[], $6::date[], $7::text[], $8::text[], $9::text[],
                         $10::text[], $11::bool[], $12::bool[], $13::date[], $14::bool[], $15::text[], $16::text[], $17::text[])
                  AS u(id, centre_id, code, client_id, incident_date, reported_date, district, types, violence_type, perp, cs, cr, given, other, narrative, fp, age_band)`,
          Array.from({ length: 17 }, (_, i) => col(i)),
        );
      }
      if (services.length > 0) {
        const col = (i: number): unknown[] => services.map((r) => r[i]);
        await tx.query(
          `INSERT INTO service_deliveries (id, centre_id, service_code, incident_id, date, service_type, outcome, notes_enc)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::date[], $6::text[], $7::text[], $8::text[])`,
          Array.from({ length: 8 }, (_, i) => col(i)),
        );
      }
    });
    clients = [];
    incidents = [];
    services = [];
  };

  for (const b of bundles) {
    const c = b.client;
    const fp = incidentFingerprint(c.clientCode, b.incident.incidentDate, b.incident.violenceType);
    if (fingerprints.has(fp)) continue;
    fingerprints.add(fp);
    let clientId = clientIds.get(c.clientCode);
    if (!clientId) {
      clientId = randomUUID();
      clientIds.set(c.clientCode, clientId);
      for (const v of [c.fullName, c.phone]) if (v) result.identifiers.push(v);
      clients.push([
        clientId,
        centreId,
        c.clientCode,
        c.sex,
        c.birthYear ?? (c.dateOfBirth ? Number(c.dateOfBirth.slice(0, 4)) : null),
        c.district,
        c.maritalStatus,
        c.migrationStatus,
        c.hasDisability,
        c.registeredOn,
        ring.seal(c.fullName, AAD.clientFullName, clientId),
        ring.seal(c.phone, AAD.clientPhone, clientId),
        ring.seal(c.address, AAD.clientAddress, clientId),
        ring.seal(c.dateOfBirth, AAD.clientDateOfBirth, clientId),
        ring.seal(c.notes, AAD.clientNotes, clientId),
      ]);
      result.clients++;
    }
    const i = b.incident;
    const incidentId = randomUUID();
    incidents.push([
      incidentId,
      centreId,
      i.incidentId || derivedIncidentCode(fp),
      clientId,
      i.incidentDate,
      i.reportedDate,
      i.district,
      i.violenceTypes.join(','),
      i.violenceType,
      i.perpetratorRelationship,
      i.consent.services,
      i.consent.reporting,
      i.consent.givenOn ?? null,
      i.reportedByOtherMember,
      ring.seal(i.narrative, AAD.incidentNarrative, incidentId),
      fp,
      ageBandOn({ birthYear: c.birthYear ?? undefined, dateOfBirth: c.dateOfBirth ?? undefined }, i.incidentDate),
    ]);
    result.incidents++;
    for (const s of b.services) {
      const serviceId = randomUUID();
      services.push([serviceId, centreId, s.serviceId, incidentId, s.date, s.serviceType, s.outcome, ring.seal(s.notes, AAD.serviceNotes, serviceId)]);
      result.services++;
    }
    if (incidents.length >= batchSize) await flush();
  }
  await flush();
  return result;
}

export interface ConsultationFillResult {
  consultations: number;
  /** Consultation codes already in the register (or twice in the input): skipped, as the register refuses them. */
  skipped: number;
  /** The values that must never leave the node: sealed notes and pseudonymous caller codes. */
  identifiers: string[];
}

export interface ConsultationFillOptions {
  readonly batchSize?: number;
  /** Consent to reporting per consultation (default: every consultation counts). */
  readonly consentReporting?: (c: ConsultationRecord) => boolean;
}

/**
 * Writes synthetic hotline consultations (e.g. `generateHotlineConsultations` of
 * `@paivand/synthetic`, never real callers) straight into the register, in batches, notes
 * sealed with the node's key ring as `recordConsultation` does. A consultation code the
 * register already holds is skipped, so filling twice duplicates nothing.
 */
export async function fillSyntheticConsultations(
  db: DataSource,
  ring: KeyRing,
  centreId: string,
  consultations: Iterable<ConsultationRecord>,
  options: ConsultationFillOptions = {},
): Promise<ConsultationFillResult> {
  const batchSize = options.batchSize ?? 2000;
  const consent = options.consentReporting ?? ((): boolean => true);
  const result: ConsultationFillResult = { consultations: 0, skipped: 0, identifiers: [] };
  const callers = new Set<string>();
  let rows: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const col = (i: number): unknown[] => rows.map((r) => r[i]);
    const inserted: unknown[] = await db.query(
      `INSERT INTO consultations (id, centre_id, consultation_code, caller_code, date, topic, caller_sex, caller_age_band, district, caller_is_survivor, referred_to, consent_reporting, notes_enc)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[], $11::text[], $12::bool[], $13::text[])
       ON CONFLICT (centre_id, consultation_code) DO NOTHING
       RETURNING id`,
      Array.from({ length: 13 }, (_, i) => col(i)),
    );
    result.consultations += inserted.length;
    result.skipped += rows.length - inserted.length;
    rows = [];
  };
  const seen = new Set<string>();
  for (const c of consultations) {
    if (seen.has(c.consultationId)) {
      result.skipped++;
      continue;
    }
    seen.add(c.consultationId);
    if (c.notes) result.identifiers.push(c.notes);
    if (c.callerCode && !callers.has(c.callerCode)) {
      callers.add(c.callerCode);
      result.identifiers.push(c.callerCode);
    }
    const id = randomUUID();
    rows.push([
      id,
      centreId,
      c.consultationId,
      c.callerCode ?? null,
      c.date,
      c.topic,
      c.callerSex,
      c.callerAgeBand ?? null,
      c.district ?? null,
      c.callerIsSurvivor,
      c.referredTo ?? null,
      consent(c),
      ring.seal(c.notes, AAD.consultationNotes, id),
    ]);
    if (rows.length >= batchSize) await flush();
  }
  await flush();
  return result;
}
