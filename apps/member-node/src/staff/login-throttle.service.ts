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

  async isLocked(username: string, ip: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM login_throttle WHERE key = ANY($1) AND locked_until > now()', [
      this.keys(username, ip).map((k) => k.key),
    ]);
    return rows.length > 0;
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const window = this.config.LOGIN_LOCKOUT_SECONDS;
    for (const { key, limit } of this.keys(username, ip)) {
      await this.db.query(
        `INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE login_throttle.failures + 1 END,
           window_started_at = CASE WHEN login_throttle.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE login_throttle.window_started_at END`,
        [key, window],
      );
      await this.db.query(
        `UPDATE login_throttle SET locked_until = now() + make_interval(secs => $2), failures = 0, window_started_at = now()
         WHERE key = $1 AND failures >= $3`,
        [key, window, limit],
      );
    }
  }

  async recordSuccess(username: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [`account:${username}`]);
  }
}
