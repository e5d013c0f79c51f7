import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NodeConfig } from '../config/node-config';

/** Per-IP failures allowed, as a multiple of the per-account limit (several staff share one office IP). */
const IP_FACTOR = 4;
/** Rows that hold no lock and whose window has passed are removed at most this often (per process). */
const SWEEP_EVERY_MS = 60_000;

/**
 * The throttle's key for what was typed as a username: a hash, not the text. People type
 * passwords, and sometimes other people's names, into the username field; a wrong username
 * was kept in the table as typed, and nothing ever removed it.
 */
export function accountKey(username: string): string {
  return `account:${createHash('sha256').update(username).digest('hex')}`;
}

/**
 * Sign-in rate limit, kept in Postgres so it holds across restarts and replicas: after
 * LOGIN_MAX_FAILURES failed attempts for one account (or four times that from one IP) within
 * the window, the next attempt locks that key for LOGIN_LOCKOUT_SECONDS.
 */
@Injectable()
export class LoginThrottleService {
  private lastSweep = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: NodeConfig,
  ) {}

  private keys(username: string, ip: string): { key: string; limit: number }[] {
    return [
      { key: accountKey(username), limit: this.config.LOGIN_MAX_FAILURES },
      { key: `ip:${ip}`, limit: this.config.LOGIN_MAX_FAILURES * IP_FACTOR },
    ];
  }

  /**
   * Takes one attempt for the account and for the address before the password is checked, so
   * that guesses sent all at once count as surely as guesses sent one by one: false (the
   * password is then not checked) when either key is locked or has no attempt left in its window.
   * The attempt counts as a failure until `recordSuccess` gives it back (so a wrong password needs no call of its own).
   */
  async begin(username: string, ip: string): Promise<boolean> {
    await this.sweep();
    let allowed = true;
    for (const { key, limit } of this.keys(username, ip)) {
      // One statement per key, which reads the lock, counts the attempt and locks the key once the count passes
      // the limit: concurrent attempts queue on the row, and none counts against a fresh window while another
      // locks it (a lock read first and counted after let a fourth of twelve parallel guesses through a limit of 3).
      const [{ locked }]: { locked: boolean }[] = await this.db.query(
        `INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.locked_until > now() THEN login_throttle.failures
                           WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN 1
                           ELSE login_throttle.failures + 1 END,
           window_started_at = CASE WHEN login_throttle.locked_until > now() THEN login_throttle.window_started_at
                                    WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN now()
                                    ELSE login_throttle.window_started_at END,
           locked_until = CASE WHEN login_throttle.locked_until > now() THEN login_throttle.locked_until
                               WHEN login_throttle.window_started_at >= now() - make_interval(secs => $2) AND login_throttle.failures + 1 > $3
                                 THEN now() + make_interval(secs => $2)
                               ELSE login_throttle.locked_until END
         RETURNING coalesce(locked_until > now(), false) AS locked`,
        [key, this.config.LOGIN_LOCKOUT_SECONDS, limit],
      );
      if (locked) allowed = false;
    }
    return allowed;
  }

  /**
   * Removes the rows that no longer hold anything back: no lock, and a window that has passed (the
   * next attempt on such a key starts a new window anyway). Without it, every username ever typed
   * wrong and every address ever seen stayed in the table.
   */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.sweepExpired();
  }

  /** Removes the rows without a lock whose window has passed; returns how many. */
  async sweepExpired(): Promise<number> {
    const [, removed]: [unknown, number] = await this.db.query(
      `DELETE FROM login_throttle
        WHERE window_started_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())`,
      [this.config.LOGIN_LOCKOUT_SECONDS],
    );
    return removed;
  }

  /** The attempt succeeded: the account starts afresh, and the address gets its attempt back. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [accountKey(username)]);
    await this.db.query('UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1', [`ip:${ip}`]);
  }
}
