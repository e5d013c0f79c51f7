import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A combined table the hub served to audiences without member identity, for one (dataset,
 * period), as the current submissions it was built from (see StatisticsService.buildCombined).
 */
@Entity({ name: 'served_tables' })
export class ServedTableEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'text' })
  datasetId!: string;

  @PrimaryColumn({ type: 'text' })
  period!: string;

  /** 1 for the first table served after the period was due, then one more per revision. */
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ name: 'submission_ids', type: 'uuid', array: true })
  submissionIds!: string[];

  @Column({ name: 'served_at', type: 'timestamptz', default: () => 'now()' })
  servedAt!: Date;
}
