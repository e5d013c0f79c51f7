import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberEntity } from './member.entity';

/** A member node's Ed25519 public key (SPKI PEM), against which its submissions are verified. */
@Entity({ name: 'member_keys' })
export class MemberKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Index('member_keys_member_idx')
  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { createForeignKeyConstraints: true })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_member_keys_member' })
  member?: MemberEntity;

  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
