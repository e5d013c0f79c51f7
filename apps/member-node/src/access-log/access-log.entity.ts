import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: who read, changed or exported which case, and when. Never holds an identifiable value. */
@Entity({ name: 'access_log' })
@Index('access_log_object_idx', ['objectType', 'objectId'])
@Index('access_log_actor_idx', ['actorId', 'at'])
@Index('access_log_action_idx', ['action', 'id'])
@Index('access_log_at_idx', ['at'])
export class AccessLogEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'centre_id', type: 'text' })
  centreId!: string;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'object_type', type: 'text' })
  objectType!: string;

  @Column({ name: 'object_id', type: 'text', nullable: true })
  objectId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
