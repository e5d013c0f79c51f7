import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins per key (`account:<username>` or `ip:<address>`) in the current window. */
@Entity({ name: 'login_throttle' })
export class LoginThrottleEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz', default: () => 'now()' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
