import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ImportSummary } from '@paivand/schema';
import { ReleaseEntity } from '../releases/release.entity';

export type OutboxStatus = 'pending' | 'delivered' | 'refused' | 'failed';

/** A signed submission waiting for (or acknowledged by) the hub: `body` is the exact bytes sent. */
@Entity({ name: 'release_outbox' })
@Check('release_outbox_status_check', `status IN ('pending','delivered','refused','failed')`)
@Index('release_outbox_release_key', ['releaseId'], { unique: true })
@Index('release_outbox_due_idx', ['nextAttemptAt'], { where: `status = 'pending'` })
export class OutboxEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'release_id', type: 'uuid' })
  releaseId!: string;

  @ManyToOne(() => ReleaseEntity, { nullable: false })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'FK_release_outbox_release' })
  release?: ReleaseEntity;

  @Column({ name: 'dataset_id', type: 'text' })
  datasetId!: string;

  @Column({ type: 'text' })
  period!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  summary!: ImportSummary | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
