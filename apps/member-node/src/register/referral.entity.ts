import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IncidentEntity } from './incident.entity';
import type { ReferralDirection } from '@paivand/schema/case-record/service.record';

@Entity({ name: 'referrals' })
@Check('referrals_direction_check', "direction IN ('incoming','outgoing')")
@Index('referrals_centre_code_key', ['centreId', 'referralCode'], { unique: true })
@Index('referrals_incident_idx', ['incidentId'])
export class ReferralEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'referral_code', type: 'text' })
  referralCode!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @ManyToOne(() => IncidentEntity, { nullable: false })
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'FK_referrals_incident' })
  incident?: IncidentEntity;

  @Column({ type: 'date' })
  date!: string;

  @Column({ type: 'text' })
  direction!: ReferralDirection;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'text', nullable: true })
  destination!: string | null;

  @Column({ type: 'boolean' })
  accepted!: boolean;

  @Column({ name: 'notes_enc', type: 'text', nullable: true })
  notesEnc!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
