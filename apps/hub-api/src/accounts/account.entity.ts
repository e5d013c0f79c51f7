import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MemberEntity } from '../members/member.entity';
import type { HubRole } from '../common/auth/principal';

@Entity({ name: 'accounts' })
@Check('accounts_role_check', `role IN ('association_admin','member','researcher','ombudsman')`)
@Check('accounts_member_role_check', `(role = 'member') = (member_id IS NOT NULL)`)
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('accounts_email_key', { unique: true })
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: HubRole;

  /** Organisation a `member` account belongs to. */
  @Column({ name: 'member_id', type: 'uuid', nullable: true })
  memberId!: string | null;

  @ManyToOne(() => MemberEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_accounts_member' })
  member?: MemberEntity;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /**
   * Unused: the sign-in lock is counted per email in sign_in_attempts. Kept one release longer
   * (expand, then contract) so that replicas still running the code before it, which read and write
   * these, keep working during a rolling update; a later migration drops them.
   */
  @Column({ name: 'failed_logins', type: 'integer', default: 0, select: false })
  failedLogins?: number;

  /** Unused, as failedLogins. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true, select: false })
  lockedUntil?: Date | null;

  /** The password was set by the Association (a new account, a reset): until its holder sets her own, her sessions may only change it (MustChangePassword1764800000000). */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  /** Carried by every token issued; raised by a password change or reset, which revokes the earlier tokens. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
