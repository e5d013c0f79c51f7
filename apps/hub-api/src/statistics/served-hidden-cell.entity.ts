import { Entity, PrimaryColumn } from 'typeorm';

/**
 * A cell the hub has hidden in a combined table it built for audiences without member identity
 * (the public, researchers, the Ombudsman), for one (dataset, period). Once hidden, a cell stays
 * hidden in every later table of that period (see StatisticsService.loadCombined).
 */
@Entity({ name: 'served_hidden_cells' })
export class ServedHiddenCellEntity {
  @PrimaryColumn({ name: 'dataset_id', type: 'text' })
  datasetId!: string;

  @PrimaryColumn({ type: 'text' })
  period!: string;

  /** Codes joined by `|`, as submissions' keys are. */
  @PrimaryColumn({ name: 'cell_key', type: 'text' })
  cellKey!: string;
}
