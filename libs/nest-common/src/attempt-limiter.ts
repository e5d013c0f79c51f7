import { Column, DataSource, EntityManager, PrimaryColumn } from 'typeorm';

/** A table `(key text primary key, failures int, window_started_at timestamptz, locked_until timestamptz)`. */
export interface AttemptTable {
  readonly table: 'login_throttle' | 'sign_in_attempts' | 'application_attempts';
}

/**
 * Sign-in attempts counted in Postgres (across restarts and replicas), per key, used by both
 * apps' sign-in limits. `take` counts one attempt before the password is checked, in one
 * statement on the key's row that reads the lock, counts and locks once the count passes the
 * limit: concurrent attempts queue on the row, and none counts against a fresh window while
 * another locks it (a lock read first and counted after let a fourth of twelve parallel guesses
 * through a limit of 3). The window and the lock last `seconds`. Attempts while locked count on,
 * so that the one attempt that locked the key is known (`lockedNow`).
 */
export class AttemptLimiter {
  private lastSweep = 0;

  constructor(
    private readonly db: DataSource,
    private readonly t: AttemptTable,
    private readonly seconds: number,
    /** Keys without a lock whose window has passed are removed at most this often (per process). */
    private readonly sweepEveryMs = 60_000,
  ) {}

  /**
   * Counts one attempt of `key`; `locked` when the key is locked now, `lockedNow` when this attempt
   * locked it. Given a transaction (`tx`), on its connection and as part of it: a caller that holds
   * a connection and a lock while it counts must not wait for a second connection from the pool (the
   * pool's every connection could be waiting on that lock), and the count goes if the transaction does.
   */
  async take(key: string, limit: number, tx: DataSource | EntityManager = this.db): Promise<{ locked: boolean; lockedNow: boolean }> {
    // the sweep deletes across keys: never inside a caller's transaction, which would hold those rows to its end
    if (tx === this.db) await this.sweepNow();
    const t = this.t.table;
    const [{ locked, locked_now }]: { locked: boolean; locked_now: boolean }[] = await tx.query(
      `INSERT INTO ${t} (key, failures, window_started_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN ${t}.locked_until > now() THEN ${t}.failures + 1
                         WHEN ${t}.window_started_at < now() - make_interval(secs => $2) THEN 1
                         ELSE ${t}.failures + 1 END,
         window_started_at = CASE WHEN ${t}.locked_until > now() THEN ${t}.window_started_at
                                  WHEN ${t}.window_started_at < now() - make_interval(secs => $2) THEN now()
                                  ELSE ${t}.window_started_at END,
         locked_until = CASE WHEN ${t}.locked_until > now() THEN ${t}.locked_until
                             WHEN ${t}.window_started_at >= now() - make_interval(secs => $2) AND ${t}.failures + 1 > $3
                               THEN now() + make_interval(secs => $2)
                             ELSE ${t}.locked_until END
       RETURNING coalesce(locked_until > now(), false) AS locked,
                 coalesce(locked_until > now(), false) AND failures = $3 + 1 AS locked_now`,
      [key, this.seconds, limit],
    );
    return { locked, lockedNow: locked_now };
  }

  /** Forgets keys (a right password, a reset): by the key, or every key starting with `prefix`. */
  async clear(match: { key: string } | { prefix: string }, tx: DataSource | EntityManager = this.db): Promise<void> {
    if ('key' in match) await tx.query(`DELETE FROM ${this.t.table} WHERE key = $1`, [match.key]);
    else await tx.query(`DELETE FROM ${this.t.table} WHERE key LIKE $1 || '%'`, [match.prefix]);
  }

  /** Gives one attempt back to `key` (a right password from an address that also counts other accounts' attempts). */
  async giveBack(key: string): Promise<void> {
    await this.db.query(`UPDATE ${this.t.table} SET failures = greatest(failures - 1, 0) WHERE key = $1`, [key]);
  }

  /** The occasional sweep `take` runs (at most every sweepEveryMs), for a caller that takes inside its own transaction: run it before that. */
  async sweepNow(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    await this.sweepExpired();
  }

  /**
   * Removes the keys that no longer hold anything back: no lock, and a window that has passed (the
   * next attempt on such a key starts a new window anyway). Returns how many.
   */
  async sweepExpired(): Promise<number> {
    const [, removed]: [unknown, number] = await this.db.query(
      `DELETE FROM ${this.t.table} WHERE window_started_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())`,
      [this.seconds],
    );
    return removed;
  }
}

/** The columns of an AttemptLimiter's table, for each app's entity of it (`@Entity({ name }) class X extends AttemptRow {}`). */
export abstract class AttemptRow {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz', default: () => 'now()' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
