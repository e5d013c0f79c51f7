import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins of one (email, address) pair, both hashed (see SignInAttempts1763990000000). */
@Entity({ name: 'sign_in_attempts' })
export class SignInAttemptEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz', default: () => 'now()' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
