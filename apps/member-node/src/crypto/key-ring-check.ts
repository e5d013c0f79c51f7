import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigError } from '../config/node-config';
import { ENCRYPTED_COLUMNS } from './encrypted-columns';
import { KeyRing, KeyRingError } from './key-ring';

/**
 * Checks that the ring opens what the database holds: every key id a stored ciphertext
 * names is in the ring, and opens one value of each column stored under it. Otherwise a
 * ConfigError naming NODE_ENCRYPTION_KEYS and the key ids, with counts, never a key or a value
 * (a value that is no ciphertext is counted, not read for a key id: it may be a name in plain text).
 * A key dropped too early, or regenerated under the same id, stops the node at start instead
 * of failing each read later (or, worse, writing ciphertexts next to ones no ring can open).
 */
export async function checkKeyRingOpensDatabase(db: DataSource, ring: KeyRing): Promise<void> {
  const missing = new Map<string, { rows: number; tables: Set<string> }>();
  const wrong = new Set<string>();
  const notSealed = new Map<string, number>();
  // One scan per table: every encrypted column of a row at once, grouped by column and key id.
  for (const table of [...new Set(ENCRYPTED_COLUMNS.map((c) => c.table))]) {
    const cols = ENCRYPTED_COLUMNS.filter((c) => c.table === table);
    let found: { col: number; key_id: string | null; n: number; sample: string }[];
    try {
      // a sample per column and key with the id of the row it is sealed to, as one string (a ciphertext and a row id
      // hold no space): min() keeps the scan a hash aggregate, where sorting every ciphertext to pick one did not
      found = await db.query(
        `SELECT v.col, CASE WHEN v.value ~ '^enc[12]:[^:]+:' THEN split_part(v.value, ':', 2) END AS key_id, count(*)::int AS n,
                min(v.value || ' ' || v.row_id) AS sample
           FROM ${table} t, LATERAL (VALUES ${cols.map((c, i) => `(${i}, t.${c.column}, ${c.rowId})`).join(', ')}) AS v(col, value, row_id)
          WHERE v.value IS NOT NULL GROUP BY 1, 2`,
      );
    } catch (err) {
      // a table not migrated yet holds nothing; the others are still checked (a `return` here dropped
      // what earlier tables had found missing, and a partly migrated database booted with a short ring)
      if ((err as { code?: unknown }).code === '42P01') continue;
      throw err;
    }
    for (const r of found) {
      // not a ciphertext at all (written to the database by hand): counted, never quoted, since it may be the value itself
      if (r.key_id === null) {
        notSealed.set(table, (notSealed.get(table) ?? 0) + r.n);
        continue;
      }
      if (!ring.has(r.key_id)) {
        const m = missing.get(r.key_id) ?? { rows: 0, tables: new Set<string>() };
        m.rows += r.n;
        m.tables.add(table);
        missing.set(r.key_id, m);
        continue;
      }
      try {
        const space = r.sample.lastIndexOf(' ');
        ring.decrypt(r.sample.slice(0, space), cols[r.col].aad, r.sample.slice(space + 1));
      } catch (err) {
        if (!(err instanceof KeyRingError)) throw err;
        wrong.add(r.key_id);
      }
    }
  }
  const lines = [
    ...[...missing].map(
      ([id, m]) => `NODE_ENCRYPTION_KEYS: key ${id.slice(0, 16)} is not in the ring, and ${m.rows} value(s) in ${[...m.tables].join(', ')} are encrypted under it: put it back after the current key (and run rotate-keys before dropping it)`,
    ),
    ...[...wrong].map(
      (id) =>
        `NODE_ENCRYPTION_KEYS: key ${id} does not open a value stored under ${id} (another key under the same id, or a value moved to another row or column in the database): restore the original key ${id}, or the value`,
    ),
    ...[...notSealed].map(
      ([table, n]) =>
        `NODE_ENCRYPTION_KEYS: ${n} value(s) in ${table} are not ciphertexts of this node (written to the database by hand?): no key opens them; restore them from a backup, or clear them`,
    ),
  ];
  if (lines.length > 0) throw new ConfigError(['NODE_ENCRYPTION_KEYS'], `Invalid member-node environment:\n${lines.join('\n')}`);
}

/** Runs the check when the node starts (after migrations), before it serves a request. */
@Injectable()
export class KeyRingCheck implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ring: KeyRing,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return checkKeyRingOpensDatabase(this.db, this.ring);
  }
}
