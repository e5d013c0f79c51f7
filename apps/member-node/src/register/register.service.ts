import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { ageBandOn, classifyViolence, ReferralDirection } from '@paivand/schema';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';
import { ClientEntity } from './client.entity';
import { ClientSearchInput, CreateClientInput, IncidentSearchInput, RecordIncidentInput, RecordReferralInput, RecordServiceInput, UpdateClientInput, UpdateConsentInput, UpdateIncidentInput, UpdateReferralInput, UpdateServiceInput } from './dto/register.inputs';
import { derivedIncidentCode, incidentBeforeBirth, incidentFingerprint } from './fingerprint';
import { IncidentEntity } from './incident.entity';
import { insertOrConflict } from './insert-or-conflict';
import { applyChanges, refuseCleared } from './apply-changes';
import { ClientModel, ClientPageModel, DeletedIncidentModel, IncidentModel, IncidentPageModel, ReferralModel, ServiceDeliveryModel } from './models/register.models';
import { ReferralEntity } from './referral.entity';
import { toClientModel, toClientSummary, toIncidentFields, toIncidentModel, toReferralModel, toServiceModel } from './register.mapper';
import { ServiceDeliveryEntity } from './service-delivery.entity';
import { clientCodeOf } from './fingerprint';

/** The field a referral of this direction does not have: an incoming one has a source, an outgoing one a destination. */
const wrongSideOf = (direction: ReferralDirection): 'source' | 'destination' => (direction === 'incoming' ? 'destination' : 'source');

/** A value for the side the referral's direction does not have is refused (null is no value), before anything is written. */
function refuseWrongSide(direction: ReferralDirection, input: { source?: string | null; destination?: string | null }): void {
  const wrongSide = wrongSideOf(direction);
  if (input[wrongSide] !== undefined && input[wrongSide] !== null) {
    throw new NodeError('BAD_USER_INPUT', `Invalid input: ${wrongSide}`, {
      reason: 'VALIDATION_FAILED',
      fields: [{ field: wrongSide, code: 'NOT_FOR_DIRECTION', messages: [`an ${direction} referral has no ${wrongSide}`] }],
    });
  }
}

/**
 * The case register of the centre. Every query is scoped by the caller's centre; every
 * read of a case and every write is written to the access log in the same transaction.
 */
@Injectable()
export class RegisterService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
    private readonly accessLog: AccessLogService,
  ) {}

  async createClient(p: Principal, input: CreateClientInput): Promise<ClientModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ClientEntity);
      // the id first: the identifiable fields are sealed to it
      const id = randomUUID();
      const entity = repo.create({
        id,
        centreId: p.centreId,
        clientCode: clientCodeOf(input.clientCode),
        sex: input.sex,
        birthYear: input.birthYear ?? (input.dateOfBirth ? Number(input.dateOfBirth.slice(0, 4)) : null),
        district: input.district,
        maritalStatus: input.maritalStatus,
        migrationStatus: input.migrationStatus,
        hasDisability: input.hasDisability,
        registeredOn: input.registeredOn,
        fullNameEnc: this.ring.seal(input.fullName, AAD.clientFullName, id),
        phoneEnc: this.ring.seal(input.phone, AAD.clientPhone, id),
        addressEnc: this.ring.seal(input.address, AAD.clientAddress, id),
        dateOfBirthEnc: this.ring.seal(input.dateOfBirth, AAD.clientDateOfBirth, id),
        notesEnc: this.ring.seal(input.notes, AAD.clientNotes, id),
        importJobId: null,
      });
      const saved = await insertOrConflict(() => repo.save(entity), 'CLIENT_CODE_TAKEN', 'clientCode');
      await this.accessLog.record(tx, p, p.centreId, 'case.create', 'client', saved.id);
      return toClientModel(saved, this.ring, []);
    });
  }

  /** Pseudonymous list (no identifiable field is read or decrypted), by code prefix, offset-paginated. */
  async searchClients(p: Principal, search: ClientSearchInput): Promise<ClientPageModel> {
    const qb = this.db
      .getRepository(ClientEntity)
      .createQueryBuilder('c')
      .select(['c.id', 'c.clientCode', 'c.sex', 'c.birthYear', 'c.district', 'c.registeredOn'])
      .where('c.centreId = :centre', { centre: p.centreId });
    if (search.codePrefix) {
      qb.andWhere('upper(c.clientCode) LIKE :prefix', { prefix: `${search.codePrefix.toUpperCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%` });
    }
    const [rows, total] = await qb.orderBy('c.clientCode', 'ASC').take(search.first).skip(search.offset).getManyAndCount();
    return { items: rows.map(toClientSummary), total, offset: search.offset };
  }

  /**
   * The centre's incidents, newest reported first, by reported date, type and client code; codes
   * and dates only (the narrative is neither read nor decrypted), so a list is not a case read.
   */
  async searchIncidents(p: Principal, q: IncidentSearchInput): Promise<IncidentPageModel> {
    const qb = this.db
      .getRepository(IncidentEntity)
      .createQueryBuilder('i')
      .innerJoin(ClientEntity, 'c', 'c.id = i.clientId')
      .select(['i.id', 'i.incidentCode', 'i.clientId', 'i.incidentDate', 'i.reportedDate', 'i.district', 'i.violenceType', 'i.perpetratorRelationship'])
      .addSelect(['i.consentServices', 'i.consentReporting', 'i.consentGivenOn', 'i.reportedByOtherMember'])
      .addSelect('c.clientCode', 'client_code')
      .where('i.centreId = :centre', { centre: p.centreId });
    if (q.from) qb.andWhere('i.reportedDate >= :from', { from: q.from });
    if (q.to) qb.andWhere('i.reportedDate <= :to', { to: q.to });
    if (q.violenceType) qb.andWhere('i.violenceType = :vt', { vt: q.violenceType });
    if (q.clientCode) qb.andWhere('c.clientCode = :code', { code: clientCodeOf(q.clientCode) });
    const total = await qb.getCount();
    const { entities, raw } = await qb.orderBy('i.reportedDate', 'DESC').addOrderBy('i.incidentCode', 'ASC').offset(q.offset).limit(q.first).getRawAndEntities<{ client_code: string }>();
    return {
      total,
      offset: q.offset,
      items: entities.map((i, k) => ({ ...toIncidentFields(i), clientCode: raw[k].client_code })),
    };
  }

  /** The whole case of one client (found by id or by code), decrypted; logged as a read. */
  async readClient(p: Principal, by: { id?: string; clientCode?: string }): Promise<ClientModel> {
    return this.db.transaction(async (tx) => {
      const where = by.id ? { id: by.id, centreId: p.centreId } : { clientCode: clientCodeOf(by.clientCode ?? ''), centreId: p.centreId };
      const client = await tx.getRepository(ClientEntity).findOne({ where });
      if (!client) {
        // by id (a UUID) the id asked for; by code, not the code: a name typed into the code field must not be kept
        await this.accessLog.recordAttempt(p, 'case.read_failed', 'client', by.id ?? null, { reason: 'NOT_FOUND', by: by.id ? 'id' : 'code' });
        throw new NodeError('NOT_FOUND', 'No such client in this centre');
      }
      const model = await this.clientModel(tx, client);
      await this.accessLog.record(tx, p, p.centreId, 'case.read', 'client', client.id);
      // the whole case: each incident's narrative and notes were read too ("who read incident X" finds it)
      await this.accessLog.recordMany(tx, p, 'case.read', 'incident', model.incidents.map((i) => i.id));
      return model;
    });
  }

  async readIncident(p: Principal, id: string): Promise<IncidentModel> {
    return this.db.transaction(async (tx) => {
      const incident = await tx.getRepository(IncidentEntity).findOne({ where: { id, centreId: p.centreId } });
      if (!incident) {
        await this.accessLog.recordAttempt(p, 'case.read_failed', 'incident', id, { reason: 'NOT_FOUND' });
        throw new NodeError('NOT_FOUND', 'No such incident in this centre');
      }
      const [model] = await this.withChildren(tx, [incident]);
      await this.accessLog.record(tx, p, p.centreId, 'case.read', 'incident', incident.id);
      return model;
    });
  }

  async recordIncident(p: Principal, input: RecordIncidentInput): Promise<IncidentModel> {
    return this.db.transaction(async (tx) => {
      const client = await tx.getRepository(ClientEntity).findOne({ where: { clientCode: clientCodeOf(input.clientCode), centreId: p.centreId } });
      if (!client) {
        throw new NodeError('NOT_FOUND', 'No such client in this centre', { fields: [{ field: 'clientCode', code: 'NOT_FOUND', messages: ['clientCode names no client'] }] });
      }
      if (incidentBeforeBirth(input.incidentDate, client.birthYear)) throw beforeBirth('incidentDate');
      const violenceType = classifyViolence(input.violenceTypes);
      const fingerprint = incidentFingerprint(client.clientCode, input.incidentDate, violenceType);
      const repo = tx.getRepository(IncidentEntity);
      const incidentCode = input.incidentCode ?? (await this.freeDerivedCode(tx, p.centreId, fingerprint));
      const id = randomUUID();
      const saved = await insertOrConflict(
        () =>
          repo.save(
            repo.create({
              id,
              centreId: p.centreId,
              incidentCode,
              clientId: client.id,
              incidentDate: input.incidentDate,
              reportedDate: input.reportedDate,
              district: input.district,
              violenceTypes: input.violenceTypes,
              violenceType,
              perpetratorRelationship: input.perpetratorRelationship,
              consentServices: input.consent.services,
              consentReporting: input.consent.reporting,
              consentGivenOn: input.consent.givenOn ?? null,
              reportedByOtherMember: input.reportedByOtherMember ?? false,
              narrativeEnc: this.ring.seal(input.narrative, AAD.incidentNarrative, id),
              fingerprint,
              importJobId: null,
              ageBand: this.ageBandAt(client, input.incidentDate),
            }),
          ),
        'DUPLICATE_INCIDENT',
        'incidentCode',
        {
          // the same incident entered twice: this client, this date, this violence type (whatever its code)
          incidents_centre_fingerprint_key: { fields: ['clientCode', 'incidentDate', 'violenceTypes'], message: 'an incident of this client on this date with this violence type is already recorded' },
        },
      );
      await this.accessLog.record(tx, p, p.centreId, 'case.create', 'incident', saved.id, { clientId: client.id });
      return toIncidentModel(saved, this.ring);
    });
  }

  /**
   * The code of an incident recorded without one: derived from what makes it the same incident, so
   * that it is stable. An incident corrected since it was recorded keeps its code while its client,
   * date or type change; recording that first combination again would meet the old code, held by an
   * incident that is no longer the same one. Then the next free `-2`, `-3`, ... (a user who gave no
   * code gets no CONFLICT about one). The same incident recorded twice keeps the derived code and is
   * refused as DUPLICATE_INCIDENT.
   */
  private async freeDerivedCode(tx: EntityManager, centreId: string, fingerprint: string): Promise<string> {
    const derived = derivedIncidentCode(fingerprint);
    // two records of one combination at once: the second waits for the first, then sees its code (and is its duplicate)
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`paivand.incident-code:${centreId}:${derived}`]);
    const held: { incident_code: string; fingerprint: string }[] = await tx.query(
      `SELECT incident_code, fingerprint FROM incidents WHERE centre_id = $1 AND (incident_code = $2 OR incident_code LIKE $2 || '-%')`,
      [centreId, derived],
    );
    const holder = held.find((h) => h.incident_code === derived);
    if (!holder || holder.fingerprint === fingerprint) return derived;
    const taken = new Set(held.map((h) => h.incident_code));
    let n = 2;
    while (taken.has(`${derived}-${n}`)) n++;
    return `${derived}-${n}`;
  }

  /**
   * Her age band on `date` (ageBandOn): from her date of birth, opened here only for this and never kept,
   * or her birth year without one. Stored with the incident, so that the releases' SQL, which cannot
   * read the date of birth, need not take the year difference (a 17-year-old before her birthday is 17).
   */
  private ageBandAt(client: Pick<ClientEntity, 'id' | 'birthYear' | 'dateOfBirthEnc'>, date: string): string {
    const dateOfBirth = client.dateOfBirthEnc ? this.ring.decrypt(client.dateOfBirthEnc, AAD.clientDateOfBirth, client.id) : undefined;
    return ageBandOn({ birthYear: client.birthYear ?? undefined, dateOfBirth }, date);
  }

  /** Only the fields given change; the access log names which fields, never their values. */
  async updateClient(p: Principal, input: UpdateClientInput): Promise<ClientModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ClientEntity);
      const client = await repo.findOne({ where: { id: input.id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NodeError('NOT_FOUND', 'No such client in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no client'] }] });
      refuseStale(client.version, input.expectedVersion);
      const changed: string[] = [];
      const coded = ['district', 'maritalStatus', 'migrationStatus', 'hasDisability'] as const;
      for (const f of coded) {
        const v = input[f];
        if (v === undefined) continue;
        if (v === null) throw new NodeError('BAD_USER_INPUT', 'Invalid input', { fields: [{ field: f, code: 'REQUIRED', messages: [`${f} cannot be cleared`] }] });
        if (client[f] !== v) {
          (client as unknown as Record<string, unknown>)[f] = v;
          changed.push(f);
        }
      }
      const sealed = [
        ['fullName', 'fullNameEnc', AAD.clientFullName],
        ['phone', 'phoneEnc', AAD.clientPhone],
        ['address', 'addressEnc', AAD.clientAddress],
        ['notes', 'notesEnc', AAD.clientNotes],
      ] as const;
      for (const [f, column, aad] of sealed) {
        const v = input[f];
        if (v === undefined) continue;
        client[column] = this.ring.seal(v ?? undefined, aad, client.id);
        changed.push(f);
      }
      if (changed.length > 0) await repo.save(client);
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'client', client.id, { fields: changed });
      const model = await this.clientModel(tx, client);
      // the answer is her whole case, as `readClient` gives it: each incident's narrative and notes are read too
      await this.accessLog.recordMany(tx, p, 'case.read', 'incident', model.incidents.map((i) => i.id));
      return model;
    });
  }

  /**
   * Corrects an incident: only the fields given change (null clears the narrative); a client code
   * moves it, with its services and referrals, to that client of the centre. The dates
   * are checked as they will stand (reported not before the incident, no service or referral
   * before it); a violence type or date that makes it the same incident as another of the
   * client's is a CONFLICT. Released periods are not rewritten: the next release check revises
   * them. The access log names the fields changed, never their values.
   */
  async updateIncident(p: Principal, input: UpdateIncidentInput): Promise<IncidentModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(IncidentEntity);
      const incident = await repo.findOne({ where: { id: input.id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!incident) throw new NodeError('NOT_FOUND', 'No such incident in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no incident'] }] });
      refuseStale(incident.version, input.expectedVersion);
      refuseCleared(input, ['clientCode', 'violenceTypes']);
      const clients = tx.getRepository(ClientEntity);
      const changed: string[] = [];
      const movedFrom = incident.clientId;
      // the client the incident will belong to, when the correction names one (her code for the fingerprint)
      let clientCode: string | undefined;
      if (input.clientCode !== undefined) {
        const to = await clients.findOne({ select: { id: true, clientCode: true }, where: { clientCode: clientCodeOf(input.clientCode), centreId: p.centreId } });
        if (!to) throw new NodeError('NOT_FOUND', 'No such client in this centre', { fields: [{ field: 'clientCode', code: 'NOT_FOUND', messages: ['clientCode names no client'] }] });
        if (to.id !== incident.clientId) {
          incident.clientId = to.id;
          changed.push('clientCode');
        }
        clientCode = to.clientCode;
      }
      changed.push(...applyChanges(incident, input, ['incidentDate', 'reportedDate', 'district', 'perpetratorRelationship', 'reportedByOtherMember'] as const));
      if (input.violenceTypes && [...input.violenceTypes].sort().join() !== [...incident.violenceTypes].sort().join()) {
        incident.violenceTypes = input.violenceTypes;
        incident.violenceType = classifyViolence(input.violenceTypes);
        changed.push('violenceTypes');
      }
      if (input.narrative !== undefined) {
        incident.narrativeEnc = this.ring.seal(input.narrative ?? undefined, AAD.incidentNarrative, incident.id);
        changed.push('narrative');
      }
      await this.checkDates(tx, incident, input);
      // her age band at the incident follows its date and whose it is (her code is the fingerprint's, below)
      if (changed.includes('clientCode') || changed.includes('incidentDate')) {
        const owner = await clients.findOneOrFail({ select: { id: true, clientCode: true, birthYear: true, dateOfBirthEnc: true }, where: { id: incident.clientId } });
        incident.ageBand = this.ageBandAt(owner, incident.incidentDate);
        clientCode = owner.clientCode;
      }
      if (changed.length > 0) {
        // what makes it "the same incident" (client, date, type) changed: its fingerprint follows
        if (changed.some((f) => f === 'clientCode' || f === 'incidentDate' || f === 'violenceTypes')) {
          clientCode ??= (await clients.findOneOrFail({ select: { id: true, clientCode: true }, where: { id: incident.clientId } })).clientCode;
          incident.fingerprint = incidentFingerprint(clientCode, incident.incidentDate, incident.violenceType);
        }
        await insertOrConflict(() => repo.save(incident), 'DUPLICATE_INCIDENT', 'id', {
          incidents_centre_fingerprint_key: { fields: ['clientCode', 'incidentDate', 'violenceTypes'], message: 'an incident of this client on this date with this violence type is already recorded' },
        });
      }
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', incident.id, movedFrom === incident.clientId ? { fields: changed } : { fields: changed, movedFrom, movedTo: incident.clientId });
      // a move changes both clients' cases: a row for each (ids only), so that either's history, which the
      // log is searched by (object type and id), shows it
      if (movedFrom !== incident.clientId) {
        await this.accessLog.record(tx, p, p.centreId, 'case.update', 'client', movedFrom, { incidentMovedOut: incident.id });
        await this.accessLog.record(tx, p, p.centreId, 'case.update', 'client', incident.clientId, { incidentMovedIn: incident.id });
      }
      const [model] = await this.withChildren(tx, [incident]);
      return model;
    });
  }

  /**
   * Removes an incident entered in error (twice, or for someone who is not a client), with its
   * services and referrals. A manager's decision; the access log keeps the ids and the counts,
   * nothing of the content. Released periods get a revision at the next release check.
   */
  async deleteIncident(p: Principal, id: string): Promise<DeletedIncidentModel> {
    return this.db.transaction(async (tx) => {
      const incident = await tx.getRepository(IncidentEntity).findOne({ select: { id: true, incidentCode: true, clientId: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!incident) throw new NodeError('NOT_FOUND', 'No such incident in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no incident'] }] });
      const services = (await tx.getRepository(ServiceDeliveryEntity).delete({ incidentId: id, centreId: p.centreId })).affected ?? 0;
      const referrals = (await tx.getRepository(ReferralEntity).delete({ incidentId: id, centreId: p.centreId })).affected ?? 0;
      await tx.getRepository(IncidentEntity).delete({ id, centreId: p.centreId });
      await this.accessLog.record(tx, p, p.centreId, 'case.delete', 'incident', id, { clientId: incident.clientId, services, referrals });
      return { id, incidentCode: incident.incidentCode, clientId: incident.clientId, services, referrals };
    });
  }

  /**
   * Removes a client registered in error (twice under two codes, say), once she has no incident
   * left: move them to her right record first (`updateIncident` with a client code), else
   * CONFLICT / HAS_INCIDENTS. A manager's decision; the access log keeps the id only.
   */
  async deleteClient(p: Principal, id: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const client = await tx.getRepository(ClientEntity).findOne({ select: { id: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NodeError('NOT_FOUND', 'No such client in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no client'] }] });
      const incidents = await tx.getRepository(IncidentEntity).count({ where: { clientId: id, centreId: p.centreId } });
      if (incidents > 0) {
        throw new NodeError('CONFLICT', 'The client still has incidents; move them to her right record first', { reason: 'HAS_INCIDENTS', fields: [{ field: 'id', code: 'HAS_INCIDENTS', messages: [`${incidents} incident(s) recorded`] }] });
      }
      await tx.getRepository(ClientEntity).delete({ id, centreId: p.centreId });
      await this.accessLog.record(tx, p, p.centreId, 'case.delete', 'client', id);
      return id;
    });
  }

  /**
   * Removes a service entered in error (twice, or for the wrong incident). A manager's decision; the
   * access log keeps the ids only. Released periods get a revision at the next release check (the
   * release's input fingerprint moves with the counts).
   */
  async deleteService(p: Principal, id: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const service = await tx.getRepository(ServiceDeliveryEntity).findOne({ select: { id: true, incidentId: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!service) throw new NodeError('NOT_FOUND', 'No such service in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no service'] }] });
      await tx.getRepository(ServiceDeliveryEntity).delete({ id, centreId: p.centreId });
      await this.accessLog.record(tx, p, p.centreId, 'case.delete', 'service', id, { incidentId: service.incidentId });
      return id;
    });
  }

  /** Removes a referral entered in error. A manager's decision; the access log keeps the ids only. */
  async deleteReferral(p: Principal, id: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const referral = await tx.getRepository(ReferralEntity).findOne({ select: { id: true, incidentId: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!referral) throw new NodeError('NOT_FOUND', 'No such referral in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no referral'] }] });
      await tx.getRepository(ReferralEntity).delete({ id, centreId: p.centreId });
      await this.accessLog.record(tx, p, p.centreId, 'case.delete', 'referral', id, { incidentId: referral.incidentId });
      return id;
    });
  }

  /** The corrected incident's dates as they will stand: reported not before it happened, nothing done for it before it. */
  private async checkDates(tx: EntityManager, incident: IncidentEntity, input: UpdateIncidentInput): Promise<void> {
    const fields: { field: string; code: string; messages: string[] }[] = [];
    if (incident.reportedDate < incident.incidentDate) {
      fields.push({ field: input.reportedDate !== undefined ? 'reportedDate' : 'incidentDate', code: 'DATE_ORDER', messages: ['reportedDate must not be before incidentDate'] });
    }
    if (input.incidentDate !== undefined || input.clientCode !== undefined) {
      // the client it will belong to was not born yet (moved to her, or its date corrected)
      const [{ birth_year }]: { birth_year: number | null }[] = await tx.query('SELECT birth_year FROM clients WHERE id = $1', [incident.clientId]);
      if (incidentBeforeBirth(incident.incidentDate, birth_year)) fields.push(beforeBirthField(input.incidentDate !== undefined ? 'incidentDate' : 'clientCode'));
    }
    if (input.incidentDate !== undefined) {
      const [{ n }]: { n: number }[] = await tx.query(
        `SELECT (SELECT count(*) FROM service_deliveries WHERE incident_id = $1 AND date < $2) + (SELECT count(*) FROM referrals WHERE incident_id = $1 AND date < $2) AS n`,
        [incident.id, incident.incidentDate],
      );
      if (Number(n) > 0) fields.push({ field: 'incidentDate', code: 'DATE_ORDER', messages: ['incidentDate must not be after a service or referral of the incident'] });
    }
    if (fields.length > 0) throw new NodeError('BAD_USER_INPUT', `Invalid input: ${fields.map((f) => f.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields });
  }

  /** Consent given or withdrawn. Released periods are not rewritten: the next release check prepares their revision. */
  async updateConsent(p: Principal, input: UpdateConsentInput): Promise<IncidentModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(IncidentEntity);
      const incident = await repo.findOne({ where: { id: input.incidentId, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!incident) {
        throw new NodeError('NOT_FOUND', 'No such incident in this centre', { fields: [{ field: 'incidentId', code: 'NOT_FOUND', messages: ['incidentId names no incident'] }] });
      }
      refuseStale(incident.version, input.expectedVersion);
      const { services, reporting, givenOn } = input.consent;
      if ((services === undefined || services === null) && (reporting === undefined || reporting === null)) {
        throw new NodeError('BAD_USER_INPUT', 'Invalid input: consent', {
          reason: 'VALIDATION_FAILED',
          fields: [{ field: 'consent', code: 'REQUIRED', messages: ['consent must name services, reporting or both'] }],
        });
      }
      const before = { services: incident.consentServices, reporting: incident.consentReporting };
      // only what the survivor changed: a consent left out keeps its value (a colleague may have just recorded it)
      if (services !== undefined && services !== null) incident.consentServices = services;
      if (reporting !== undefined && reporting !== null) incident.consentReporting = reporting;
      incident.consentGivenOn = givenOn ?? incident.consentGivenOn;
      await repo.save(incident);
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', incident.id, {
        consent: { before, after: { services: incident.consentServices, reporting: incident.consentReporting } },
      });
      const [model] = await this.withChildren(tx, [incident]);
      return model;
    });
  }

  async recordService(p: Principal, input: RecordServiceInput): Promise<ServiceDeliveryModel> {
    return this.db.transaction(async (tx) => {
      await this.requireIncident(tx, p, input.incidentId, input.date);
      const repo = tx.getRepository(ServiceDeliveryEntity);
      const id = randomUUID();
      const saved = await insertOrConflict(
        () =>
          repo.save(
            repo.create({
              id,
              centreId: p.centreId,
              serviceCode: input.serviceCode ?? `SRV-${randomUUID().slice(0, 13).toUpperCase()}`,
              incidentId: input.incidentId,
              date: input.date,
              serviceType: input.serviceType,
              outcome: input.outcome,
              notesEnc: this.ring.seal(input.notes, AAD.serviceNotes, id),
            }),
          ),
        'SERVICE_CODE_TAKEN',
        'serviceCode',
      );
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', input.incidentId, { service: saved.id });
      return toServiceModel(saved, this.ring);
    });
  }

  async recordReferral(p: Principal, input: RecordReferralInput): Promise<ReferralModel> {
    return this.db.transaction(async (tx) => {
      refuseWrongSide(input.direction, input);
      const incident = await this.requireIncident(tx, p, input.incidentId, input.date);
      // referring her elsewhere shares her case: only with her consent to services and referral
      if (input.direction === 'outgoing' && !incident.consentServices) {
        throw new NodeError('BAD_USER_INPUT', 'She has not consented to services and referral: record her consent first (updateConsent)', {
          reason: 'CONSENT_REQUIRED',
          fields: [{ field: 'direction', code: 'CONSENT_REQUIRED', messages: ['an outgoing referral needs the consent to services and referral'] }],
        });
      }
      const repo = tx.getRepository(ReferralEntity);
      const id = randomUUID();
      const saved = await insertOrConflict(
        () =>
          repo.save(
            repo.create({
              id,
              centreId: p.centreId,
              referralCode: input.referralCode ?? `REF-${randomUUID().slice(0, 13).toUpperCase()}`,
              incidentId: input.incidentId,
              date: input.date,
              direction: input.direction,
              source: input.source ?? null,
              destination: input.destination ?? null,
              accepted: input.accepted,
              notesEnc: this.ring.seal(input.notes, AAD.referralNotes, id),
            }),
          ),
        'REFERRAL_CODE_TAKEN',
        'referralCode',
      );
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', input.incidentId, { referral: saved.id });
      return toReferralModel(saved, this.ring);
    });
  }

  /** Corrects a service delivered (only the fields given; null clears the notes); logged on its incident by field name. */
  async updateService(p: Principal, input: UpdateServiceInput): Promise<ServiceDeliveryModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ServiceDeliveryEntity);
      const missing = (): NodeError => new NodeError('NOT_FOUND', 'No such service in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no service'] }] });
      // a new date is checked against the incident, locked first: in the order a deletion of the incident locks them
      // (the incident, then its services), which the other order could deadlock with
      if (input.date) {
        const of = await repo.findOne({ select: { id: true, incidentId: true }, where: { id: input.id, centreId: p.centreId } });
        if (!of) throw missing();
        await this.requireIncident(tx, p, of.incidentId, input.date);
      }
      const service = await repo.findOne({ where: { id: input.id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!service) throw missing();
      const changed = applyChanges(service, input, ['date', 'serviceType', 'outcome'] as const);
      if (input.notes !== undefined) {
        service.notesEnc = this.ring.seal(input.notes ?? undefined, AAD.serviceNotes, service.id);
        changed.push('notes');
      }
      if (changed.length > 0) await repo.save(service);
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', service.incidentId, { service: service.id, fields: changed });
      return toServiceModel(service, this.ring);
    });
  }

  /** Corrects a referral or records its outcome (only the fields given; null clears the notes); logged on its incident by field name. */
  async updateReferral(p: Principal, input: UpdateReferralInput): Promise<ReferralModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ReferralEntity);
      const missing = (): NodeError => new NodeError('NOT_FOUND', 'No such referral in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no referral'] }] });
      // the incident first, as in updateService
      if (input.date) {
        const of = await repo.findOne({ select: { id: true, incidentId: true }, where: { id: input.id, centreId: p.centreId } });
        if (!of) throw missing();
        await this.requireIncident(tx, p, of.incidentId, input.date);
      }
      const referral = await repo.findOne({ where: { id: input.id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!referral) throw missing();
      refuseWrongSide(referral.direction, input);
      const changed = applyChanges(referral, input, ['date', referral.direction === 'incoming' ? 'source' : 'destination', 'accepted'] as const);
      // null clears a value on the wrong side (one recorded before it was refused there)
      const wrongSide = wrongSideOf(referral.direction);
      if (input[wrongSide] === null && referral[wrongSide] !== null) {
        referral[wrongSide] = null;
        changed.push(wrongSide);
      }
      if (input.notes !== undefined) {
        referral.notesEnc = this.ring.seal(input.notes ?? undefined, AAD.referralNotes, referral.id);
        changed.push('notes');
      }
      if (changed.length > 0) await repo.save(referral);
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'incident', referral.incidentId, { referral: referral.id, fields: changed });
      return toReferralModel(referral, this.ring);
    });
  }

  /**
   * The incident a service or referral is for; what is done for it cannot come before it happened.
   * Read FOR SHARE, held to the end of the transaction: a correction of the incident's date (which
   * locks the incident FOR UPDATE, then counts its services and referrals) and this check then see
   * each other's outcome. Read without a lock, each checked the other's old state and both passed:
   * a service dated before its incident.
   */
  private async requireIncident(tx: EntityManager, p: Principal, id: string, date: string): Promise<IncidentEntity> {
    const incident = await tx
      .getRepository(IncidentEntity)
      .findOne({ select: { id: true, incidentDate: true, consentServices: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_read' } });
    if (!incident) {
      throw new NodeError('NOT_FOUND', 'No such incident in this centre', { fields: [{ field: 'incidentId', code: 'NOT_FOUND', messages: ['incidentId names no incident'] }] });
    }
    if (date < incident.incidentDate) {
      throw new NodeError('BAD_USER_INPUT', 'Invalid input: date', {
        reason: 'VALIDATION_FAILED',
        fields: [{ field: 'date', code: 'DATE_ORDER', messages: ['date must not be before the incident date'] }],
      });
    }
    return incident;
  }

  /** The client decrypted, with her incidents, their services and referrals. */
  private async clientModel(tx: EntityManager, client: ClientEntity): Promise<ClientModel> {
    const incidents = await tx.getRepository(IncidentEntity).find({ where: { clientId: client.id, centreId: client.centreId }, order: { incidentDate: 'ASC' } });
    return toClientModel(client, this.ring, await this.withChildren(tx, incidents));
  }

  /** Services and referrals of the incidents in two queries (no N+1). */
  private async withChildren(tx: EntityManager, incidents: IncidentEntity[]): Promise<IncidentModel[]> {
    const ids = incidents.map((i) => i.id);
    const [services, referrals] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            tx.getRepository(ServiceDeliveryEntity).find({ where: { incidentId: In(ids) }, order: { date: 'ASC' } }),
            tx.getRepository(ReferralEntity).find({ where: { incidentId: In(ids) }, order: { date: 'ASC' } }),
          ]);
    return incidents.map((i) =>
      toIncidentModel(
        i,
        this.ring,
        services.filter((s) => s.incidentId === i.id).map((s) => toServiceModel(s, this.ring)),
        referrals.filter((r) => r.incidentId === i.id).map((r) => toReferralModel(r, this.ring)),
      ),
    );
  }
}

/** An incident dated before its client's birth year: refused where it is recorded, corrected, moved or imported. */
function beforeBirthField(field: string): { field: string; code: string; messages: string[] } {
  return { field, code: 'DATE_ORDER', messages: ["the incident must not be before the client's birth year"] };
}

function beforeBirth(field: string): NodeError {
  return new NodeError('BAD_USER_INPUT', `Invalid input: ${field}`, { reason: 'VALIDATION_FAILED', fields: [beforeBirthField(field)] });
}

/** An edit made from another version than the row's: a colleague's correction came in between (it would be undone silently). */
function refuseStale(version: number, expected: number | undefined | null): void {
  if (expected === undefined || expected === null || expected === version) return;
  throw new NodeError('CONFLICT', `This record was changed since version ${expected} was read (it is at version ${version}): read it again and redo the edit`, {
    reason: 'STALE_VERSION',
    version,
  });
}
