import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberEntity } from './member.entity';

/** Node client credentials: the secret is shown once at issue and stored as an argon2 hash. */
@Entity({ name: 'member_credentials' })
export class MemberCredentialEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Index('member_credentials_member_idx')
  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_member_credentials_member' })
  member?: MemberEntity;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
