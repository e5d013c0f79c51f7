import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cells the hub has hidden in the combined tables it served, per (dataset, period): a table of
 * a period is built again whenever its members' submissions change, and two of them with different
 * hidden cells could be combined (a member subtracting its own figures from both). Hidden once,
 * a cell stays hidden.
 */
export class ServedHiddenCells1764100000000 implements MigrationInterface {
  name = 'ServedHiddenCells1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "served_hidden_cells" (
      "dataset_id" text NOT NULL,
      "period" text NOT NULL,
      "cell_key" text NOT NULL,
      CONSTRAINT "PK_served_hidden_cells" PRIMARY KEY ("dataset_id", "period", "cell_key")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "served_hidden_cells"`);
  }
}
