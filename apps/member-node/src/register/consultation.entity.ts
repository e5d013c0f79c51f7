import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One hotline consultation (telephone or online), as a legal-aid hotline records it.
 * `caller_code` is the hotline's pseudonymous code for a caller who calls again (null for
 * an anonymous caller): differential privacy caps each caller's contribution to a
 * period's table by it. It never leaves the node: releases carry noised counts only.
 * `notes_enc` holds ciphertext only (see crypto/key-ring.ts).
 */
@Entity({ name: 'consultations' })
@Index('consultations_centre_code_key', ['centreId', 'consultationCode'], { unique: true })
@Index('consultations_date_idx', ['centreId', 'date'])
@Check('consultations_caller_upper_check', 'caller_code IS NULL OR caller_code = upper(caller_code)')
export class ConsultationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'consultation_code', type: 'text' })
  consultationCode!: string;

  @Column({ name: 'caller_code', type: 'text', nullable: true })
  callerCode!: string | null;

  @Column({ type: 'date' })
  date!: string;

  /** hotline_topic codelist */
  @Column({ type: 'text' })
  topic!: string;

  /** sex codelist */
  @Column({ name: 'caller_sex', type: 'text' })
  callerSex!: string;

  /** age_band codelist */
  @Column({ name: 'caller_age_band', type: 'text', nullable: true })
  callerAgeBand!: string | null;

  @Column({ type: 'text', nullable: true })
  district!: string | null;

  @Column({ name: 'caller_is_survivor', type: 'boolean' })
  callerIsSurvivor!: boolean;

  /** referral_destination codelist */
  @Column({ name: 'referred_to', type: 'text', nullable: true })
  referredTo!: string | null;

  /** Whether the consultation may count in anonymized statistics. */
  @Column({ name: 'consent_reporting', type: 'boolean' })
  consentReporting!: boolean;

  @Column({ name: 'notes_enc', type: 'text', nullable: true })
  notesEnc!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
