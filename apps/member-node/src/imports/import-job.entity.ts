import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const IMPORT_STATUSES = ['created', 'validating', 'validated', 'accepted', 'discarded', 'failed', 'duplicate_file'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

@Entity({ name: 'import_jobs' })
@Check('import_jobs_format_check', "format IN ('csv','xlsx')")
@Check('import_jobs_status_check', "status IN ('created','validating','validated','accepted','discarded','failed','duplicate_file')")
@Index('import_jobs_hash_idx', ['centreId', 'contentHash'])
export class ImportJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @Column({ type: 'text' })
  format!: ImportFormat;

  @Column({ type: 'text' })
  status!: ImportStatus;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash!: string | null;

  @Column({ name: 'column_mapping', type: 'jsonb', default: () => "'{}'" })
  columnMapping!: Record<string, string>;

  @Column({ name: 'value_mapping', type: 'jsonb', default: () => "'{}'" })
  valueMapping!: Record<string, Record<string, string>>;

  /** The file's header each field was read from (set at the upload): issues found at the accept name the column by it. */
  @Column({ name: 'header_names', type: 'jsonb', default: () => "'{}'" })
  headerNames!: Record<string, string>;

  @Column({ name: 'bytes_total', type: 'bigint', nullable: true })
  bytesTotal!: string | null;

  @Column({ name: 'bytes_processed', type: 'bigint', default: 0 })
  bytesProcessed!: string;

  @Column({ name: 'rows_processed', type: 'integer', default: 0 })
  rowsProcessed!: number;

  @Column({ name: 'rows_valid', type: 'integer', default: 0 })
  rowsValid!: number;

  @Column({ name: 'rows_invalid', type: 'integer', default: 0 })
  rowsInvalid!: number;

  @Column({ name: 'rows_duplicate', type: 'integer', default: 0 })
  rowsDuplicate!: number;

  @Column({ name: 'rows_imported', type: 'integer', default: 0 })
  rowsImported!: number;

  /** A reason code (never file content) when the whole file was refused. */
  @Column({ type: 'text', nullable: true })
  failure!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Touched while a node process validates the upload (see ImportsService.sweepInterrupted). */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** The id prefixes the accept gives the job's clients and incidents (staging.ts), chosen at the upload: staged values are sealed to those ids. */
  @Column({ name: 'client_id_prefix', type: 'text', nullable: true })
  clientIdPrefix!: string | null;

  @Column({ name: 'incident_id_prefix', type: 'text', nullable: true })
  incidentIdPrefix!: string | null;
}
