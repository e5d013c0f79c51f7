import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const MEMBER_STATUSES = ['applied', 'admitted', 'refused', 'suspended'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Statuses of an organisation the Association has admitted (a suspended one still is, and may be reinstated). */
export const ADMITTED_STATUSES: readonly MemberStatus[] = ['admitted', 'suspended'];

/** An organisation of the Association (or one that applied to join). */
@Entity({ name: 'members' })
@Check('members_status_check', `status IN ('applied','admitted','refused','suspended')`)
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Unique among applications not refused: a refused one (perhaps a squatter's) does not keep the name from the real centre. */
  @Index('members_name_key', { unique: true, where: `status <> 'refused'` })
  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'centre_type', type: 'text' })
  centreType!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ type: 'text', nullable: true })
  district!: string | null;

  /** The organisation's contact address (not a survivor's). */
  @Column({ name: 'contact_email', type: 'text' })
  contactEmail!: string;

  @Column({ type: 'text' })
  status!: MemberStatus;

  @Column({ name: 'applied_at', type: 'timestamptz', default: () => 'now()' })
  appliedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** When it was first admitted (a suspension and reinstatement leave it as it is). */
  @Column({ name: 'admitted_at', type: 'timestamptz', nullable: true })
  admittedAt!: Date | null;
}
