import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SubmissionEntity } from './submission.entity';

/** One published cell of a stored submission (written in bulk, read by statistics). */
@Entity({ name: 'submission_cells' })
@Check('submission_cells_value_check', 'value IS NULL OR value >= 0')
@Check('submission_cells_withheld_check', "(value IS NULL) = (conf_status <> 'F')")
export class SubmissionCellEntity {
  @PrimaryColumn({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => SubmissionEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'submission_id', foreignKeyConstraintName: 'FK_submission_cells_submission' })
  submission?: SubmissionEntity;

  @PrimaryColumn({ type: 'integer' })
  idx!: number;

  @Column({ type: 'text', array: true })
  key!: string[];

  @Column({ type: 'integer', nullable: true })
  value!: number | null;

  @Column({ name: 'obs_status', type: 'text' })
  obsStatus!: string;

  @Column({ name: 'conf_status', type: 'text' })
  confStatus!: string;
}
