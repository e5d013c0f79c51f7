import { DataSource } from 'typeorm';
import { ENCRYPTED_COLUMNS } from './encrypted-columns';
import { KeyRing } from './key-ring';

export interface RotationReport {
  /** table -> rows re-encrypted */
  readonly rows: Record<string, number>;
}

const KEYS: Readonly<Record<string, string[]>> = {
  import_staged_rows: ['job_id', 'row_number'],
};

/**
 * Re-encrypts every ciphertext not under the ring's current key, table by table, in
 * batches, each batch in its own transaction (a crash loses nothing: old keys stay in
 * the ring until the rotation has finished, and a second run continues where it stopped).
 */
export async function rotateKeys(db: DataSource, ring: KeyRing, batchSize = 500): Promise<RotationReport> {
  const rows: Record<string, number> = {};
  const tables = [...new Set(ENCRYPTED_COLUMNS.map((c) => c.table))];
  for (const table of tables) {
    const cols = ENCRYPTED_COLUMNS.filter((c) => c.table === table);
    const key = KEYS[table] ?? ['id'];
    const stale = cols.map((c) => `(${c.column} IS NOT NULL AND ${c.column} NOT LIKE $1)`).join(' OR ');
    rows[table] = 0;
    for (;;) {
      const done = await db.transaction(async (tx) => {
        const batch: Record<string, string | null>[] = await tx.query(
          `SELECT ${[...key, ...cols.map((c) => c.column)].join(', ')} FROM ${table} WHERE ${stale} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
          [`${ring.currentPrefix.replace(/[%_\\]/g, (m) => `\\${m}`)}%`],
        );
        for (const r of batch) {
          const values = cols.map((c) => ring.reseal(r[c.column], c.aad));
          const set = cols.map((c, i) => `${c.column} = $${i + 1}`).join(', ');
          const where = key.map((k, i) => `${k} = $${cols.length + i + 1}`).join(' AND ');
          await tx.query(`UPDATE ${table} SET ${set} WHERE ${where}`, [...values, ...key.map((k) => r[k])]);
        }
        return batch.length;
      });
      rows[table] += done;
      if (done < batchSize) break;
    }
  }
  return { rows };
}
