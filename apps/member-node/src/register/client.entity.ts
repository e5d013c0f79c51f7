import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** A survivor registered by the centre. `*_enc` columns hold ciphertext only (see crypto/key-ring.ts). */
@Entity({ name: 'clients' })
@Index('clients_centre_code_key', ['centreId', 'clientCode'], { unique: true })
@Check('clients_code_upper_check', 'client_code = upper(client_code)')
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'client_code', type: 'text' })
  clientCode!: string;

  @Column({ type: 'text' })
  sex!: string;

  @Column({ name: 'birth_year', type: 'integer', nullable: true })
  birthYear!: number | null;

  @Column({ type: 'text' })
  district!: string;

  @Column({ name: 'marital_status', type: 'text' })
  maritalStatus!: string;

  @Column({ name: 'migration_status', type: 'text' })
  migrationStatus!: string;

  @Column({ name: 'has_disability', type: 'boolean' })
  hasDisability!: boolean;

  @Column({ name: 'registered_on', type: 'date' })
  registeredOn!: string;

  @Column({ name: 'full_name_enc', type: 'text', nullable: true })
  fullNameEnc!: string | null;

  @Column({ name: 'phone_enc', type: 'text', nullable: true })
  phoneEnc!: string | null;

  @Column({ name: 'address_enc', type: 'text', nullable: true })
  addressEnc!: string | null;

  @Column({ name: 'date_of_birth_enc', type: 'text', nullable: true })
  dateOfBirthEnc!: string | null;

  @Column({ name: 'notes_enc', type: 'text', nullable: true })
  notesEnc!: string | null;

  @Column({ name: 'import_job_id', type: 'uuid', nullable: true })
  importJobId!: string | null;

  /** Moved on by every correction (TypeORM's save): an edit that names another version than the row's is STALE_VERSION. */
  @VersionColumn({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
