import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A valid import row waiting for the user to accept the import (identifiable fields already
 * encrypted). UNLOGGED, loaded by COPY, without a foreign key to its job (a trigger per
 * row); duplicates within a file are removed after the upload by one statement (see
 * staging.ts), not by unique indexes.
 */
@Entity({ name: 'import_staged_rows' })
export class ImportStagedRowEntity {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @PrimaryColumn({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  @Column({ name: 'client_code', type: 'text' })
  clientCode!: string;

  @Column({ name: 'sex', type: 'text' })
  sex!: string;

  @Column({ name: 'birth_year', type: 'integer', nullable: true })
  birthYear!: number | null;

  @Column({ name: 'client_district', type: 'text' })
  clientDistrict!: string;

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

  @Column({ name: 'client_notes_enc', type: 'text', nullable: true })
  clientNotesEnc!: string | null;

  @Column({ name: 'incident_code', type: 'text' })
  incidentCode!: string;

  @Column({ name: 'incident_date', type: 'date' })
  incidentDate!: string;

  @Column({ name: 'reported_date', type: 'date' })
  reportedDate!: string;

  @Column({ name: 'incident_district', type: 'text' })
  incidentDistrict!: string;

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

  @Column({ name: 'reported_by_other_member', type: 'boolean' })
  reportedByOtherMember!: boolean;

  @Column({ name: 'narrative_enc', type: 'text', nullable: true })
  narrativeEnc!: string | null;

  @Column({ name: 'fingerprint', type: 'text' })
  fingerprint!: string;

  @Column({ name: 'age_band', type: 'text', nullable: true })
  ageBand!: string | null;
}
