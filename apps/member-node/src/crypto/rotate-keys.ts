import { DataSource, EntityManager } from 'typeorm';
import { ENCRYPTED_COLUMNS } from './encrypted-columns';
import { KeyRing } from './key-ring';
import { importIdPrefix } from '../imports/staging';

export interface RotationReport {
  /** table -> rows re-encrypted */
  readonly rows: Record<string, number>;
}

export interface RotationOptions {
  /** Rows per transaction (default 500). */
  readonly batchSize?: number;
  /** How long the last pass waits for a row another session holds (default 60 s). */
  readonly lockTimeoutMs?: number;
  /** After each batch (`done` false) and once per table when it is finished (`done` true): rows re-encrypted so far. */
  readonly onProgress?: (table: string, rows: number, done: boolean) => void;
}

/** Ciphertexts under an old key are left: the old keys must stay in the ring. Counts only, never a value. */
export class RotationIncompleteError extends Error {
  constructor(readonly remaining: Readonly<Record<string, number>>) {
    super(
      `${Object.entries(remaining)
        .map(([t, n]) => `${n} row(s) of ${t}`)
        .join(', ')} still under an old key (held by another session, or written by a process whose first key is still the old one): keep the old keys in NODE_ENCRYPTION_KEYS and run the rotation again`,
    );
    this.name = 'RotationIncompleteError';
  }
}

const KEYS: Readonly<Record<string, string[]>> = {
  import_staged_rows: ['job_id', 'row_number'],
};

/**
 * Re-encrypts every ciphertext not under the ring's current key, table by table, in
 * batches, each batch in its own transaction (a crash loses nothing: old keys stay in
 * the ring until the rotation has finished, and a second run continues where it stopped).
 * A first pass skips rows other sessions hold; a second waits for them (up to
 * `lockTimeoutMs` per batch). Once every table is done, every table is counted again (an
 * import accepted meanwhile copies staged ciphertext into clients and incidents as it is),
 * what is left gets another round (at most ROUNDS), and the rotation only succeeds when no
 * ciphertext under an old key is left in any table, so that dropping the old keys afterwards
 * can never lose data.
 */
export async function rotateKeys(db: DataSource, ring: KeyRing, options: RotationOptions = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000));
  const notCurrent = `${ring.currentPrefix.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
  const rows: Record<string, number> = {};
  // Staged import rows first: accepting an import copies their ciphertext as it is into clients and
  // incidents, so a table done before them could be given old-key values again afterwards.
  const tables = [...new Set(ENCRYPTED_COLUMNS.map((c) => c.table))].sort((a, b) => Number(b === 'import_staged_rows') - Number(a === 'import_staged_rows'));
  const staleWhere = (table: string): string =>
    ENCRYPTED_COLUMNS.filter((c) => c.table === table)
      .map((c) => `(${c.column} IS NOT NULL AND ${c.column} NOT LIKE $1)`)
      .join(' OR ');
  /** Every table counted again, after all of them were done (what another session wrote meanwhile shows here). */
  const left = async (among: readonly string[]): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of among) {
      const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${staleWhere(table)}`, [notCurrent]);
      if (n > 0) out[table] = n;
    }
    return out;
  };
  for (const table of tables) rows[table] = 0;
  // Staged rows of a job uploaded before values were bound to rows (enc1:) have no ids yet: the rotation seals them to
  // the ids the accept will give (as an upload does now), or they would be bound to no row and never open again.
  const unbound: { id: string }[] = await db.query(
    `SELECT j.id FROM import_jobs j WHERE (j.client_id_prefix IS NULL OR j.incident_id_prefix IS NULL) AND EXISTS (SELECT 1 FROM import_staged_rows s WHERE s.job_id = j.id)`,
  );
  for (const { id } of unbound) {
    await db.query(`UPDATE import_jobs SET client_id_prefix = $2, incident_id_prefix = $3 WHERE id = $1 AND (client_id_prefix IS NULL OR incident_id_prefix IS NULL)`, [
      id,
      importIdPrefix(),
      importIdPrefix(),
    ]);
  }
  let todo = tables;
  // A few rounds: a round takes what is left (rows held by others, ciphertext copied in by an import accepted
  // meanwhile); a value still left after the last round fails the rotation.
  for (let round = 0; round < ROUNDS && todo.length > 0; round++) {
    for (const table of todo) await rotateTable(table);
    todo = Object.keys(await left(tables));
  }
  const remaining = await left(tables);
  if (Object.keys(remaining).length > 0) throw new RotationIncompleteError(remaining);
  return { rows };

  async function rotateTable(table: string): Promise<void> {
    const cols = ENCRYPTED_COLUMNS.filter((c) => c.table === table);
    const key = KEYS[table] ?? ['id'];
    const stale = staleWhere(table);
    const batch = async (tx: EntityManager, lock: string): Promise<number> => {
      // each value with the id of the row it is sealed to (r0, r1, ...)
      const found: Record<string, string | null>[] = await tx.query(
        `SELECT ${[...key.map((k) => `t.${k}`), ...cols.map((c) => `t.${c.column}`), ...cols.map((c, i) => `${c.rowId} AS r${i}`)].join(', ')}
           FROM ${table} t WHERE ${stale} LIMIT ${batchSize} ${lock.replace('FOR UPDATE', 'FOR UPDATE OF t')}`,
        [notCurrent],
      );
      for (const r of found) {
        const values = cols.map((c, i) => ring.reseal(r[c.column], c.aad, r[`r${i}`] ?? ''));
        const set = cols.map((c, i) => `${c.column} = $${i + 1}`).join(', ');
        const where = key.map((k, i) => `${k} = $${cols.length + i + 1}`).join(' AND ');
        await tx.query(`UPDATE ${table} SET ${set} WHERE ${where}`, [...values, ...key.map((k) => r[k])]);
      }
      return found.length;
    };
    /** Batches until one comes back short; `setup` runs first in each batch's transaction. */
    const drain = async (lock: string, setup?: string): Promise<void> => {
      for (let n = batchSize; n === batchSize; ) {
        n = await db.transaction(async (tx) => {
          if (setup) await tx.query(setup);
          return batch(tx, lock);
        });
        rows[table] += n;
        if (n > 0) options.onProgress?.(table, rows[table], false);
      }
    };
    // 1. everything nobody else holds, without waiting
    await drain('FOR UPDATE SKIP LOCKED');
    // 2. the rows skipped: wait for their holders (a row locked past the timeout stays and is counted after the round)
    try {
      await drain('FOR UPDATE', `SET LOCAL lock_timeout = ${lockTimeoutMs}`);
    } catch (err) {
      if ((err as { code?: unknown }).code !== '55P03') throw err; // lock_not_available
    }
    options.onProgress?.(table, rows[table], true);
  }
}

/** Rounds over the tables with values left (see rotateKeys). */
const ROUNDS = 3;
