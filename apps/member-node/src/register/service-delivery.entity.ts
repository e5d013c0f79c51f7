import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IncidentEntity } from './incident.entity';

@Entity({ name: 'service_deliveries' })
@Index('service_deliveries_centre_code_key', ['centreId', 'serviceCode'], { unique: true })
@Index('service_deliveries_incident_idx', ['incidentId'])
@Index('service_deliveries_date_idx', ['centreId', 'date'])
export class ServiceDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'service_code', type: 'text' })
  serviceCode!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @ManyToOne(() => IncidentEntity, { nullable: false })
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'FK_service_deliveries_incident' })
  incident?: IncidentEntity;

  @Column({ type: 'date' })
  date!: string;

  @Column({ name: 'service_type', type: 'text' })
  serviceType!: string;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'notes_enc', type: 'text', nullable: true })
  notesEnc!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
