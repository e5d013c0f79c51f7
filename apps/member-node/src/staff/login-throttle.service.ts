import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NodeConfig } from '../config/node-config';

/** Per-IP failures allowed, as a multiple of the per-account limit (several staff share one office IP). */
const IP_FACTOR = 4;

/**
 * Sign-in rate limit, kept in Postgres so it holds across restarts and replicas: after
 * LOGIN_MAX_FAILURES failures for one account (or four times that from one IP) within
 * the window, that key is locked for LOGIN_LOCKOUT_SECONDS.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: NodeConfig,
  ) {}

  private keys(username: string, ip: string): { key: string; limit: number }[] {
    return [
      { key: `account:${username}`, limit: this.config.LOGIN_MAX_FAILURES },
      { key: `ip:${ip}`, limit: this.config.LOGIN_MAX_FAILURES * IP_FACTOR },
    ];
  }

  /**
   * Takes one attempt for the account and for the address before the password is checked, so
   * that guesses sent all at once count as surely as guesses sent one by one: false (the
   * password is then not checked) when either key is locked or has no attempt left in its window.
   * The attempt counts as a failure until `recordSuccess` gives it back.
   */
  async begin(username: string, ip: string): Promise<boolean> {
    const window = this.config.LOGIN_LOCKOUT_SECONDS;
    const keys = this.keys(username, ip);
    const locked: unknown[] = await this.db.query('SELECT 1 FROM login_throttle WHERE key = ANY($1) AND locked_until > now()', [keys.map((k) => k.key)]);
    if (locked.length > 0) return false;
    let allowed = true;
    for (const { key, limit } of keys) {
      // one statement per key: concurrent attempts each get their own count
      const [{ failures }]: { failures: number }[] = await this.db.query(
        `INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE login_throttle.failures + 1 END,
           window_started_at = CASE WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE login_throttle.window_started_at END
         RETURNING failures`,
        [key, window],
      );
      if (failures > limit) {
        allowed = false;
        await this.lock(key);
      }
    }
    return allowed;
  }

  /** The attempt failed: a key that has used up its attempts is locked for the window. */
  async recordFailure(username: string, ip: string): Promise<void> {
    for (const { key, limit } of this.keys(username, ip)) {
      await this.db.query(
        `UPDATE login_throttle SET locked_until = now() + make_interval(secs => $2), failures = 0, window_started_at = now()
         WHERE key = $1 AND failures >= $3`,
        [key, this.config.LOGIN_LOCKOUT_SECONDS, limit],
      );
    }
  }

  /** The attempt succeeded: the account starts afresh, and the address gets its attempt back. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [`account:${username}`]);
    await this.db.query('UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1', [`ip:${ip}`]);
  }

  private async lock(key: string): Promise<void> {
    await this.db.query(
      `UPDATE login_throttle SET locked_until = now() + make_interval(secs => $2), failures = 0, window_started_at = now()
       WHERE key = $1 AND (locked_until IS NULL OR locked_until <= now())`,
      [key, this.config.LOGIN_LOCKOUT_SECONDS],
    );
  }
}
