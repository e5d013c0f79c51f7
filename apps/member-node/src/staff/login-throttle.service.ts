import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AttemptLimiter, keyedHash } from '@paivand/nest-common';
import { DataSource, EntityManager } from 'typeorm';
import { NodeConfig } from '../config/node-config';

/** Per-IP failures allowed, as a multiple of the per-account limit (several staff share one office IP). */
const IP_FACTOR = 4;
/**
 * Failures of one account from all addresses together, as a multiple of the per-address limit: a
 * ceiling on guessing from many addresses, high enough that no one address can reach it (its own
 * pair and address limits stop it first), so nobody locks a colleague out from one machine.
 */
const ACCOUNT_FACTOR = 10;

/**
 * The throttle's keys for what was typed as a username: keyed hashes (`keyedHash`, under JWT_SECRET),
 * not the text. People type passwords, and sometimes other people's names, into the username field; a
 * wrong username was kept in the table as typed, and nothing ever removed it.
 */
class ThrottleKeys {
  private readonly mac: (text: string) => string;

  constructor(secret: string) {
    this.mac = keyedHash(secret, 'paivand node login throttle');
  }

  account(username: string): string {
    return `account:${this.mac(username)}`;
  }

  /** The key of one (username, address) pair. */
  pair(username: string, ip: string): string {
    return `${this.pairPrefix(username)}${this.mac(ip)}`;
  }

  pairPrefix(username: string): string {
    return `pair:${this.mac(username)}:`;
  }
}

/**
 * Sign-in rate limit, kept in Postgres so it holds across restarts and replicas, as the hub's:
 * LOGIN_MAX_FAILURES failed attempts for one username from one address lock that pair; four
 * times that from one address (any usernames) lock the address; ten times that for one account
 * from all addresses together lock the account. Each lock lasts LOGIN_LOCKOUT_SECONDS. (The
 * account alone was the key: anyone could keep the only centre admin locked out with six wrong
 * passwords every quarter of an hour, from one machine and without signing in.)
 */
@Injectable()
export class LoginThrottleService {
  private readonly attempts: AttemptLimiter;
  private readonly keys: ThrottleKeys;

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly config: NodeConfig,
  ) {
    this.keys = new ThrottleKeys(config.JWT_SECRET);
    // Sweeping the keys that hold nothing back matters here: every username ever typed wrong and every
    // address ever seen stayed in the table.
    this.attempts = new AttemptLimiter(db, { table: 'login_throttle' }, config.LOGIN_LOCKOUT_SECONDS);
  }

  /**
   * Takes one attempt before the password is checked, so that guesses sent all at once count as
   * surely as guesses sent one by one: of the (username, address) pair, then of the address, then of
   * the account; false (the password is then not checked) as soon as one is locked, and the keys after
   * it are not counted (a locked pair spends nothing of the office address's budget, and a locked
   * address adds nothing to the account's count). The attempt counts as a failure until
   * `recordSuccess` gives it back (so a wrong password needs no call of its own).
   */
  async begin(username: string, ip: string): Promise<boolean> {
    const max = this.config.LOGIN_MAX_FAILURES;
    for (const { key, limit } of [
      { key: this.keys.pair(username, ip), limit: max },
      { key: `ip:${ip}`, limit: max * IP_FACTOR },
      { key: this.keys.account(username), limit: max * ACCOUNT_FACTOR },
    ]) {
      if ((await this.attempts.take(key, limit)).locked) return false;
    }
    return true;
  }

  /** Removes the rows without a lock whose window has passed; returns how many. */
  sweepExpired(): Promise<number> {
    return this.attempts.sweepExpired();
  }

  /** The attempt succeeded: the account and this pair start afresh, and the address gets its attempt back. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.attempts.clear({ key: this.keys.pair(username, ip) });
    await this.attempts.clear({ key: this.keys.account(username) });
    await this.attempts.giveBack(`ip:${ip}`);
  }

  /** Forgets the account's failed attempts, from every address, inside the caller's transaction (a new password). */
  async clearAccount(tx: EntityManager, username: string): Promise<void> {
    await this.attempts.clear({ key: this.keys.account(username) }, tx);
    await this.attempts.clear({ prefix: this.keys.pairPrefix(username) }, tx);
  }
}
