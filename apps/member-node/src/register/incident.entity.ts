import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { ClientEntity } from './client.entity';

/** One incident: one survivor, one classified violence type (GBVIMS). */
@Entity({ name: 'incidents' })
@Check('incidents_dates_check', 'reported_date >= incident_date')
@Index('incidents_centre_code_key', ['centreId', 'incidentCode'], { unique: true })
@Index('incidents_centre_fingerprint_key', ['centreId', 'fingerprint'], { unique: true })
@Index('incidents_client_idx', ['clientId'])
@Index('incidents_reported_idx', ['centreId', 'reportedDate'])
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'incident_code', type: 'text' })
  incidentCode!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { nullable: false })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_incidents_client' })
  client?: ClientEntity;

  @Column({ name: 'incident_date', type: 'date' })
  incidentDate!: string;

  @Column({ name: 'reported_date', type: 'date' })
  reportedDate!: string;

  @Column({ type: 'text' })
  district!: string;

  @Column({ name: 'violence_types', type: 'text', array: true })
  violenceTypes!: string[];

  @Column({ name: 'violence_type', type: 'text' })
  violenceType!: string;

  @Column({ name: 'perpetrator_relationship', type: 'text' })
  perpetratorRelationship!: string;

  @Column({ name: 'consent_services', type: 'boolean' })
  consentServices!: boolean;

  @Column({ name: 'consent_reporting', type: 'boolean' })
  consentReporting!: boolean;

  @Column({ name: 'consent_given_on', type: 'date', nullable: true })
  consentGivenOn!: string | null;

  @Column({ name: 'reported_by_other_member', type: 'boolean', default: false })
  reportedByOtherMember!: boolean;

  @Column({ name: 'narrative_enc', type: 'text', nullable: true })
  narrativeEnc!: string | null;

  /** Her age band at the incident from her date of birth (ageBandOn), set where it is open; null: written before (IncidentAgeBand1765700000000). */
  @Column({ name: 'age_band', type: 'text', nullable: true })
  ageBand!: string | null;

  /** sha256(client code | incident date | violence type): what makes an import idempotent. */
  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ name: 'import_job_id', type: 'uuid', nullable: true })
  importJobId!: string | null;

  /** Moved on by every correction (TypeORM's save): an edit that names another version than the row's is STALE_VERSION. */
  @VersionColumn({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
