import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { SubmissionProtection } from '@paivand/schema';
import { MemberEntity } from '../members/member.entity';

/** One revision of a member's release of (dataset, period); older revisions stay for history. */
@Entity({ name: 'submissions' })
@Check('submissions_revision_check', 'revision >= 1 AND cell_count >= 0')
@Index('submissions_revision_key', ['memberId', 'datasetId', 'period', 'revision'], { unique: true })
@Index('submissions_dataset_period_idx', ['datasetId', 'period'])
@Index('submissions_current_key', ['memberId', 'datasetId', 'period'], { unique: true, where: 'is_current' })
export class SubmissionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_submissions_member' })
  member?: MemberEntity;

  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;

  @Column({ type: 'text' })
  period!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ type: 'jsonb' })
  protection!: SubmissionProtection;

  @Column({ name: 'prepared_at', type: 'timestamptz' })
  preparedAt!: Date;

  /** preparedAt as signed (null on rows stored before it was kept: their nodes wrote Date.toISOString()). */
  @Column({ name: 'prepared_at_signed', type: 'text', nullable: true })
  preparedAtSigned!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'is_current', type: 'boolean', default: true })
  isCurrent!: boolean;

  @Column({ name: 'cell_count', type: 'integer' })
  cellCount!: number;
}
