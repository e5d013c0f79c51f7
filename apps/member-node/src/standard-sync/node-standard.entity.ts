import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Standard } from '@paivand/schema';

/** A version of the Association's standard as pulled from the hub (the node keeps working on it offline). */
@Entity({ name: 'node_standards' })
export class NodeStandardEntity {
  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ type: 'jsonb' })
  document!: Standard;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;
}
