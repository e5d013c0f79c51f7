import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Standard } from '@paivand/schema';

/** One published version of the Association's standard, as the whole document. */
@Entity({ name: 'standard_versions' })
@Index('standard_versions_one_current', ['isCurrent'], { unique: true, where: 'is_current' })
export class StandardVersionEntity {
  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ type: 'jsonb' })
  document!: Standard;

  @Column({ name: 'is_current', type: 'boolean', default: false })
  isCurrent!: boolean;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
