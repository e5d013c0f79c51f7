import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImportJobEntity } from './import-job.entity';

/** One problem with one cell of an imported file: row number, column, reason code (never the value). */
@Entity({ name: 'import_issues' })
@Index('import_issues_job_idx', ['jobId', 'rowNumber'])
export class ImportIssueEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @ManyToOne(() => ImportJobEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'FK_import_issues_job' })
  job?: ImportJobEntity;

  @Column({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  /** The import field (e.g. `violenceTypes`). */
  @Column({ type: 'text' })
  field!: string;

  /** The file's header for that field, as the user sees it. */
  @Column({ name: 'column_name', type: 'text' })
  columnName!: string;

  @Column({ type: 'text' })
  reason!: string;
}
