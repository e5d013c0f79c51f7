import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HubRole, Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { AuditService } from '../audit/audit.service';
import { ADMITTED_STATUSES, MemberEntity } from '../members/member.entity';
import { HubConfig } from '../config/hub-config';
import { AccountEntity } from './account.entity';
import { CreateAccountInput } from './dto/create-account.input';
import { LoginInput } from './dto/login.input';
import { SessionModel } from './models/session.model';
import { assertSecretCheckCapacity, AttemptLimiter, dummyHash, hashSecret, keyedHash, verifySecret } from '@paivand/nest-common';
import { TokenService } from './token.service';

/** Wrong passwords from one address for one email within LOCK_MINUTES, after which that pair is locked for LOCK_MINUTES. */
export const MAX_FAILED_LOGINS = 10;
/**
 * Wrong passwords for one email from all addresses together within LOCK_MINUTES, after which the
 * email is locked for LOCK_MINUTES: a ceiling on guessing from many addresses, high enough that
 * nobody locks a colleague out by mistyping her email, or on purpose from one address. Counted for
 * emails without an account too, so that no lock tells which emails have one.
 */
export const MAX_ACCOUNT_FAILURES = 50;
export const LOCK_MINUTES = 15;

/**
 * The keys of sign_in_attempts: keyed hashes (`keyedHash`, under JWT_SECRET) of what was typed as the
 * email and of the address, never the text.
 */
class AttemptKeys {
  private readonly mac: (text: string) => string;

  constructor(secret: string) {
    this.mac = keyedHash(secret, 'paivand hub sign-in attempts');
  }

  /** What every key of an email starts with: lifting its locks clears them all. */
  prefix(email: string): string {
    return `${this.mac(email)}:`;
  }

  /** An (email, address) pair. */
  pair(email: string, ip: string): string {
    return `${this.prefix(email)}${this.mac(ip)}`;
  }

  /** An email's count over all addresses. */
  email(email: string): string {
    return `${this.prefix(email)}*`;
  }
}

@Injectable()
export class AccountsService {
  private readonly attempts: AttemptLimiter;
  private readonly keys: AttemptKeys;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    config: HubConfig,
  ) {
    this.attempts = new AttemptLimiter(db, { table: 'sign_in_attempts' }, LOCK_MINUTES * 60);
    this.keys = new AttemptKeys(config.JWT_SECRET);
  }

  async login(input: LoginInput, ip: string): Promise<SessionModel> {
    const email = input.email.trim().toLowerCase();
    // Counted before the password is checked (guesses sent all at once count like guesses sent one by one), for
    // known and unknown emails alike: the locks then say nothing about whether an account exists.
    const account = await this.db.getRepository(AccountEntity).findOne({ where: { email } });
    // before the attempt is counted: a refusal for load is no wrong password
    assertSecretCheckCapacity();
    await this.countAttempt(email, ip, account?.id);
    const ok = await verifySecret(account?.passwordHash ?? (await dummyHash()), input.password);
    if (!account || !ok || !account.active) {
      throw new HubError('UNAUTHENTICATED', 'Wrong email or password', { reason: 'BAD_CREDENTIALS' });
    }
    await this.attempts.clear({ key: this.keys.pair(email, ip) });
    await this.attempts.clear({ key: this.keys.email(email) });
    await this.assertMemberAdmitted(account);
    return this.session(account);
  }

  /**
   * An account of a member speaks for its organisation only while the Association admits it. Of a
   * suspended member (or one never admitted) it may do nothing: not read the members' library, write
   * documents, or manage the node's credentials and keys. Signing in with the right password says why
   * (MEMBER_NOT_ADMITTED with the status; a guesser learns nothing), and the tokens it already holds
   * stop working (TokenService.stillValid); reinstated, it signs in again. Its node keeps a token, to be
   * told MEMBER_SUSPENDED when it submits.
   */
  private async assertMemberAdmitted(account: AccountEntity): Promise<void> {
    if (!account.memberId) return;
    const member = await this.db.getRepository(MemberEntity).findOne({ select: { id: true, status: true }, where: { id: account.memberId } });
    if (member?.status !== 'admitted') {
      throw new HubError('UNAUTHENTICATED', 'Your organisation is not an admitted member of the Association; ask the Association', {
        reason: 'MEMBER_NOT_ADMITTED',
        status: member?.status ?? null,
      });
    }
  }

  /**
   * Counts one password attempt before the password is checked: of the (email, address) pair, then
   * of the email from all addresses. RATE_LIMITED when either is locked (SIGN_IN_LOCKED,
   * ACCOUNT_LOCKED); the email is not counted once its pair is locked. A lock is audited when the
   * email has an account.
   */
  private async countAttempt(email: string, ip: string, accountId: string | undefined): Promise<void> {
    if (!(await this.take(this.keys.pair(email, ip), MAX_FAILED_LOGINS, accountId, 'address'))) {
      throw new HubError('RATE_LIMITED', 'Too many wrong passwords; try again later', { reason: 'SIGN_IN_LOCKED' });
    }
    if (!(await this.take(this.keys.email(email), MAX_ACCOUNT_FAILURES, accountId, 'account'))) {
      throw new HubError('RATE_LIMITED', 'Too many wrong passwords; try again later', { reason: 'ACCOUNT_LOCKED' });
    }
  }

  /**
   * Takes one attempt of a key: false when the key is locked or this attempt is one past `limit` in its
   * window (which locks it). One statement on the key's row, so concurrent attempts queue and each counts.
   */
  private async take(key: string, limit: number, accountId: string | undefined, scope: 'address' | 'account'): Promise<boolean> {
    const { locked, lockedNow } = await this.attempts.take(key, limit);
    if (lockedNow && accountId) {
      await this.db.transaction((tx) => this.audit.record(tx, null, 'account.lock', 'account', accountId, { minutes: LOCK_MINUTES, scope }));
    }
    return !locked;
  }

  private session(account: AccountEntity): SessionModel {
    const principal: Principal = { kind: 'user', id: account.id, role: account.role, memberId: account.memberId };
    const { accessToken, expiresAt } = this.tokens.issue(principal, account.tokenVersion);
    return { accessToken, expiresAt, role: account.role, memberId: account.memberId, mustChangePassword: account.mustChangePassword };
  }

  async list(role?: HubRole): Promise<AccountEntity[]> {
    return this.db.getRepository(AccountEntity).find({ where: role ? { role } : {}, order: { email: 'ASC' }, take: 500 });
  }

  /** Deactivated: no sign-in, and every token already issued stops working. */
  async setActive(actor: Principal, accountId: string, active: boolean): Promise<AccountEntity> {
    if (!active && actor.kind === 'user' && actor.id === accountId) {
      throw new HubError('CONFLICT', 'You cannot deactivate your own account', { reason: 'SELF' });
    }
    // Deactivations one at a time, each by an account still active when it runs: two coordinators
    // deactivating each other at the same moment both succeeded, and the hub was left without one.
    const changed = await this.changeAccount(actor, accountId, active ? 'account.reactivate' : 'account.deactivate', !active, (a) => {
      if (a.active === active) return false;
      Object.assign(a, { active, tokenVersion: active ? a.tokenVersion : a.tokenVersion + 1 });
      return true;
    });
    return active ? this.liftLocks(changed) : changed;
  }

  /** The Association sets a new password (the holder forgot theirs); the holder's sessions end and a lock is lifted. */
  async resetPassword(actor: Principal, accountId: string, password: string): Promise<AccountEntity> {
    // Not one's own: changePassword checks the current one (a stolen token could otherwise set a password and end the holder's sessions).
    if (actor.kind === 'user' && actor.id === accountId) {
      throw new HubError('BAD_USER_INPUT', 'Change your own password with changePassword', { reason: 'SELF_RESET' });
    }
    return this.liftLocks(await this.changeAccount(actor, accountId, 'account.reset_password', false, withPassword(await hashSecret(password), true)));
  }

  /** Lifts the locks of an account's email: of every address, and of all addresses together. */
  private async liftLocks(a: AccountEntity): Promise<AccountEntity> {
    await this.attempts.clear({ prefix: this.keys.prefix(a.email) });
    return a;
  }

  /** A user changes their own password: every other session ends, and this answers a new one. */
  async changePassword(actor: Principal, currentPassword: string, newPassword: string, ip: string): Promise<SessionModel> {
    const account = await this.me(actor);
    assertSecretCheckCapacity();
    await this.countAttempt(account.email, ip, account.id);
    if (!(await verifySecret(account.passwordHash, currentPassword))) {
      throw new HubError('BAD_USER_INPUT', 'The current password is wrong', { fields: [{ field: 'currentPassword', code: 'WRONG_PASSWORD', messages: ['is wrong'] }] });
    }
    const changed = await this.changeAccount(actor, account.id, 'account.change_password', false, withPassword(await hashSecret(newPassword), false));
    await this.attempts.clear({ key: this.keys.email(changed.email) });
    return this.session(changed);
  }

  /**
   * In one transaction: the account, locked; `change` (false: nothing to change); saved; the action in
   * the audit log. `oneAtATime`: under an advisory lock, and only while the actor's own account is active.
   */
  private changeAccount(actor: Principal, accountId: string, action: string, oneAtATime: boolean, change: (a: AccountEntity) => boolean): Promise<AccountEntity> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(AccountEntity);
      if (oneAtATime) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paivand.accounts.deactivations'))`);
        if (actor.kind === 'user' && !(await repo.exists({ where: { id: actor.id, active: true } }))) {
          throw new HubError('UNAUTHENTICATED', 'Account deactivated; sign in again');
        }
      }
      const a = await repo.findOne({ where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
      if (!a) throw new HubError('NOT_FOUND', 'Account not found');
      if (!change(a)) return a;
      const saved = await repo.save(a);
      await this.audit.record(tx, actor, action, 'account', accountId);
      return saved;
    });
  }

  async me(principal: Principal): Promise<AccountEntity> {
    if (principal.kind !== 'user') throw new HubError('FORBIDDEN', 'A node has no user account', { reason: 'NODE_PRINCIPAL' });
    const account = await this.db.getRepository(AccountEntity).findOne({ where: { id: principal.id } });
    if (!account) throw new HubError('NOT_FOUND', 'Account not found');
    return account;
  }

  async create(actor: Principal, input: CreateAccountInput): Promise<AccountEntity> {
    if (input.role === 'member' && !input.memberId) {
      throw new HubError('BAD_USER_INPUT', 'A member account needs memberId', { fields: [{ field: 'memberId', messages: ['required for role member'] }] });
    }
    if (input.role !== 'member' && input.memberId) {
      throw new HubError('BAD_USER_INPUT', 'Only member accounts are bound to a member', { fields: [{ field: 'memberId', messages: ['only for role member'] }] });
    }
    const passwordHash = await hashSecret(input.password);
    return this.db.transaction(async (tx) => {
      // A member account speaks for its organisation: one the Association has admitted (a suspended one
      // too, whose accounts work again once it is reinstated), not an application or a refused one.
      const member = input.memberId ? await tx.getRepository(MemberEntity).findOne({ select: { id: true, status: true }, where: { id: input.memberId } }) : null;
      if (input.memberId && !member) {
        throw new HubError('BAD_USER_INPUT', 'No such member', { fields: [{ field: 'memberId', code: 'UNKNOWN_MEMBER', messages: ['no member has this id'] }] });
      }
      if (member && !ADMITTED_STATUSES.includes(member.status)) {
        throw new HubError('BAD_USER_INPUT', 'This member is not admitted', {
          fields: [{ field: 'memberId', code: 'MEMBER_NOT_ADMITTED', messages: [`the member is ${member.status}; only an admitted or suspended member has accounts`] }],
        });
      }
      // the coordinator chose this password: it is a temporary one
      return this.insert(tx, actor, { ...input, passwordHash, mustChangePassword: true });
    });
  }

  /**
   * Inserts an account inside the caller's transaction (also used by the operator's CLI and seeding).
   * `mustChangePassword`: the password is someone else's choice (default false: an operator creating
   * the first coordinator types her own).
   */
  async insert(
    tx: EntityManager,
    actor: Principal | null,
    a: { email: string; displayName: string; role: AccountEntity['role']; memberId?: string | null; passwordHash: string; mustChangePassword?: boolean },
  ): Promise<AccountEntity> {
    const email = a.email.trim().toLowerCase();
    const repo = tx.getRepository(AccountEntity);
    if (await repo.exists({ where: { email } })) throw new HubError('CONFLICT', 'An account with this email exists', { reason: 'EMAIL_TAKEN' });
    const saved = await repo.save(
      repo.create({ email, displayName: a.displayName, role: a.role, memberId: a.memberId ?? null, passwordHash: a.passwordHash, active: true, mustChangePassword: a.mustChangePassword ?? false }),
    );
    await this.audit.record(tx, actor, 'account.create', 'account', saved.id, { role: saved.role, memberId: saved.memberId });
    return saved;
  }
}

/**
 * A new password: the sessions of the old one end (token version); the callers lift the locks.
 * `temporary`: set by the Association, so its holder must choose her own before anything else.
 */
function withPassword(passwordHash: string, temporary: boolean): (a: AccountEntity) => boolean {
  return (a) => {
    Object.assign(a, { passwordHash, tokenVersion: a.tokenVersion + 1, mustChangePassword: temporary });
    return true;
  };
}
