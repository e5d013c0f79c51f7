import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';
import { ConsultationEntity } from './consultation.entity';
import { callerCodeOf } from './fingerprint';
import { insertOrConflict } from './insert-or-conflict';
import { applyChanges } from './apply-changes';
import { ConsultationSearchInput, RecordConsultationInput, UpdateConsultationInput } from './dto/consultation.inputs';
import { ConsultationModel, ConsultationPageModel } from './models/consultation.models';

export function toConsultationModel(e: ConsultationEntity, ring: KeyRing | null): ConsultationModel {
  return {
    id: e.id,
    consultationCode: e.consultationCode,
    callerCode: e.callerCode,
    date: e.date,
    topic: e.topic,
    callerSex: e.callerSex,
    callerAgeBand: e.callerAgeBand,
    district: e.district,
    callerIsSurvivor: e.callerIsSurvivor,
    referredTo: e.referredTo,
    consentReporting: e.consentReporting,
    notes: ring ? ring.open(e.notesEnc, AAD.consultationNotes, e.id) : null,
  };
}

/**
 * Hotline consultations of the centre (legal-aid hotlines are members of the Association).
 * Scoped by the caller's centre; every write is written to the access log in the same
 * transaction. Notes are sealed with the node's key ring.
 */
@Injectable()
export class ConsultationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
    private readonly accessLog: AccessLogService,
  ) {}

  async recordConsultation(p: Principal, input: RecordConsultationInput): Promise<ConsultationModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ConsultationEntity);
      const id = randomUUID();
      const saved = await insertOrConflict(
        () =>
          repo.save(
            repo.create({
              // the id first: the notes are sealed to it
              id,
              centreId: p.centreId,
              consultationCode: input.consultationCode,
              callerCode: input.callerCode ? callerCodeOf(input.callerCode) : null,
              date: input.date,
              topic: input.topic,
              callerSex: input.callerSex,
              callerAgeBand: input.callerAgeBand ?? null,
              district: input.district ?? null,
              callerIsSurvivor: input.callerIsSurvivor,
              referredTo: input.referredTo ?? null,
              consentReporting: input.consentReporting,
              notesEnc: this.ring.seal(input.notes, AAD.consultationNotes, id),
            }),
          ),
        'CONSULTATION_CODE_TAKEN',
        'consultationCode',
      );
      await this.accessLog.record(tx, p, p.centreId, 'case.create', 'consultation', saved.id);
      return toConsultationModel(saved, this.ring);
    });
  }

  /**
   * Corrects a consultation or records a withdrawn consent: only the fields given change (null
   * clears an optional code or the notes); released periods get a revision at the next release
   * check. Logged by field name, never the values.
   */
  async updateConsultation(p: Principal, input: UpdateConsultationInput): Promise<ConsultationModel> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ConsultationEntity);
      const c = await repo.findOne({ where: { id: input.id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new NodeError('NOT_FOUND', 'No such consultation in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no consultation'] }] });
      const changed = applyChanges(
        c,
        input,
        ['date', 'topic', 'callerSex', 'callerAgeBand', 'district', 'callerIsSurvivor', 'referredTo', 'consentReporting'] as const,
        ['callerAgeBand', 'district', 'referredTo'] as const,
      );
      if (input.notes !== undefined) {
        c.notesEnc = this.ring.seal(input.notes ?? undefined, AAD.consultationNotes, c.id);
        changed.push('notes');
      }
      if (changed.length > 0) await repo.save(c);
      await this.accessLog.record(tx, p, p.centreId, 'case.update', 'consultation', c.id, { fields: changed });
      return toConsultationModel(c, this.ring);
    });
  }

  /**
   * Removes a consultation entered in error (twice, say). A manager's decision; the access log keeps
   * the id only. A hotline table prepared but not yet approved is prepared again at the next release
   * check; one already released is not revised (differential privacy: noising the month again would
   * spend its budget a second time).
   */
  async deleteConsultation(p: Principal, id: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(ConsultationEntity);
      const c = await repo.findOne({ select: { id: true }, where: { id, centreId: p.centreId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new NodeError('NOT_FOUND', 'No such consultation in this centre', { fields: [{ field: 'id', code: 'NOT_FOUND', messages: ['id names no consultation'] }] });
      await repo.delete({ id, centreId: p.centreId });
      await this.accessLog.record(tx, p, p.centreId, 'case.delete', 'consultation', id);
      return id;
    });
  }

  /** A page of consultations without their notes (nothing identifiable is decrypted for a list). */
  async searchConsultations(p: Principal, q: ConsultationSearchInput): Promise<ConsultationPageModel> {
    const qb = this.db.getRepository(ConsultationEntity).createQueryBuilder('c').where('c.centreId = :centre', { centre: p.centreId });
    if (q.from) qb.andWhere('c.date >= :from', { from: q.from });
    if (q.to) qb.andWhere('c.date <= :to', { to: q.to });
    if (q.callerCode) qb.andWhere('c.callerCode = :caller', { caller: callerCodeOf(q.callerCode) });
    const [rows, total] = await qb.orderBy('c.date', 'DESC').addOrderBy('c.consultationCode', 'ASC').skip(q.offset).take(q.first).getManyAndCount();
    return { total, offset: q.offset, items: rows.map((r) => toConsultationModel(r, null)) };
  }

  /** One consultation with its notes decrypted; written to the access log. */
  async readConsultation(p: Principal, id: string): Promise<ConsultationModel> {
    return this.db.transaction(async (tx) => {
      const c = await tx.getRepository(ConsultationEntity).findOne({ where: { id, centreId: p.centreId } });
      if (!c) {
        await this.accessLog.recordAttempt(p, 'case.read_failed', 'consultation', id, { reason: 'NOT_FOUND' });
        throw new NodeError('NOT_FOUND', 'No such consultation in this centre');
      }
      await this.accessLog.record(tx, p, p.centreId, 'case.read', 'consultation', c.id);
      return toConsultationModel(c, this.ring);
    });
  }
}
