import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { AttemptLimiter } from '@paivand/nest-common';
import { DataSource, EntityManager } from 'typeorm';
import { NodeConfig } from '../config/node-config';

/** Per-IP failures allowed, as a multiple of the per-account limit (several staff share one office IP). */
const IP_FACTOR = 4;

/**
 * The throttle's key for what was typed as a username: a hash, not the text. People type
 * passwords, and sometimes other people's names, into the username field; a wrong username
 * was kept in the table as typed, and nothing ever removed it.
 */
function accountKey(username: string): string {
  return `account:${createHash('sha256').update(username).digest('hex')}`;
}

/**
 * Sign-in rate limit, kept in Postgres so it holds across restarts and replicas: after
 * LOGIN_MAX_FAILURES failed attempts for one account (or four times that from one IP) within
 * the window, the next attempt locks that key for LOGIN_LOCKOUT_SECONDS.
 */
@Injectable()
export class LoginThrottleService {
  private readonly attempts: AttemptLimiter;

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly config: NodeConfig,
  ) {
    // Sweeping the keys that hold nothing back matters here: every username ever typed wrong and every
    // address ever seen stayed in the table.
    this.attempts = new AttemptLimiter(db, { table: 'login_throttle' }, config.LOGIN_LOCKOUT_SECONDS);
  }

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
    let allowed = true;
    for (const { key, limit } of this.keys(username, ip)) if ((await this.attempts.take(key, limit)).locked) allowed = false;
    return allowed;
  }

  /** Removes the rows without a lock whose window has passed; returns how many. */
  sweepExpired(): Promise<number> {
    return this.attempts.sweepExpired();
  }

  /** The attempt succeeded: the account starts afresh, and the address gets its attempt back. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.attempts.clear({ key: accountKey(username) });
    await this.attempts.giveBack(`ip:${ip}`);
  }

  /** Forgets the account's failed attempts inside the caller's transaction (a new password). */
  clearAccount(tx: EntityManager, username: string): Promise<void> {
    return this.attempts.clear({ key: accountKey(username) }, tx);
  }
}
