import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { ChangeMyPasswordInput, ChangeStaffRoleInput, CreateStaffInput, isTheUsername, LoginInput, ReactivateStaffInput, ResetPasswordInput } from './dto/staff.inputs';
import { SessionModel } from './models/staff.model';
import { LoginThrottleService } from './login-throttle.service';
import { assertSecretCheckCapacity, dummyHash, hashSecret, verifySecret } from '@paivand/nest-common';
import { StaffAccountEntity } from './staff-account.entity';
import { TokenService } from './token.service';
import { uniqueIndexOf } from '../register/insert-or-conflict';

/** A new password (set by anyone, for any account) must not be the account's username. */
function refuseTheUsername(newPassword: string, username: string): void {
  if (isTheUsername(newPassword, username)) {
    throw new NodeError('BAD_USER_INPUT', 'Invalid input: newPassword', {
      reason: 'VALIDATION_FAILED',
      fields: [{ field: 'newPassword', code: 'INVALID_VALUE', messages: ['password must not be the username'] }],
    });
  }
}

/** The unique index on staff_accounts.username (StaffAccountEntity). */
const USERNAME_INDEX = 'staff_accounts_username_key';

@Injectable()
export class StaffService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottleService,
    private readonly accessLog: AccessLogService,
    private readonly config: NodeConfig,
  ) {}

  async login(input: LoginInput, ip: string): Promise<SessionModel> {
    const username = input.username.trim().toLowerCase();
    // before the attempt is counted: a refusal for load is no wrong password
    assertSecretCheckCapacity();
    if (!(await this.throttle.begin(username, ip))) {
      throw new NodeError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { reason: 'LOGIN_LOCKED' });
    }
    const account = await this.db.getRepository(StaffAccountEntity).findOne({ where: { username, centreId: this.config.CENTRE_ID } });
    const ok = await verifySecret(account?.passwordHash ?? (await dummyHash()), input.password);
    if (!account || !ok || !account.active) {
      throw new NodeError('UNAUTHENTICATED', 'Wrong username or password', { reason: 'BAD_CREDENTIALS' });
    }
    await this.throttle.recordSuccess(username, ip);
    return this.session(account);
  }

  /** A token for the account, valid until its password changes. */
  private session(account: StaffAccountEntity): SessionModel {
    const { accessToken, expiresAt } = this.tokens.issue({ id: account.id, role: account.role, centreId: account.centreId }, account.passwordChangedAt.getTime());
    return { accessToken, expiresAt, role: account.role, centreId: account.centreId, mustChangePassword: account.mustChangePassword };
  }

  async me(p: Principal): Promise<StaffAccountEntity> {
    const account = await this.db.getRepository(StaffAccountEntity).findOne({ where: { id: p.id, centreId: p.centreId } });
    if (!account) throw new NodeError('NOT_FOUND', 'Account not found');
    return account;
  }

  list(p: Principal): Promise<StaffAccountEntity[]> {
    return this.db.getRepository(StaffAccountEntity).find({ where: { centreId: p.centreId }, order: { username: 'ASC' }, take: 500 });
  }

  async create(actor: Principal, input: CreateStaffInput): Promise<StaffAccountEntity> {
    const passwordHash = await hashSecret(input.password);
    // the admin chose this password: it is a temporary one
    return this.db.transaction((tx) => this.insert(tx, actor, { ...input, passwordHash, mustChangePassword: true }));
  }

  /**
   * Inserts an account inside the caller's transaction (also used by the operator's CLI, seeding and
   * tests). `mustChangePassword`: the password is someone else's choice (default false: the operator
   * creating the first admin types her own).
   */
  async insert(
    tx: EntityManager,
    actor: Principal | null,
    a: { username: string; displayName: string; role: StaffAccountEntity['role']; passwordHash: string; mustChangePassword?: boolean },
  ): Promise<StaffAccountEntity> {
    const username = a.username.trim().toLowerCase();
    const repo = tx.getRepository(StaffAccountEntity);
    const taken = (): NodeError => new NodeError('CONFLICT', 'This username is taken', { reason: 'USERNAME_TAKEN' });
    if (await repo.exists({ where: { username } })) throw taken();
    // two admins creating one username at once: both pass the check above, the unique index refuses the second
    let saved: StaffAccountEntity;
    try {
      saved = await repo.save(repo.create({ centreId: this.config.CENTRE_ID, username, displayName: a.displayName, role: a.role, passwordHash: a.passwordHash, active: true, mustChangePassword: a.mustChangePassword ?? false }));
    } catch (err) {
      if (uniqueIndexOf(err) === USERNAME_INDEX) throw taken();
      throw err;
    }
    await this.accessLog.record(tx, actor, this.config.CENTRE_ID, 'staff.create', 'staff_account', saved.id, { role: saved.role });
    return saved;
  }

  /**
   * The centre admin sets a new password for a colleague who forgot hers. Not her own: that is
   * changeMyPassword, which checks the current one (a stolen admin token could otherwise set a
   * password and end the real admin's sessions).
   */
  async resetPassword(actor: Principal, input: ResetPasswordInput): Promise<StaffAccountEntity> {
    refuseSelfReset(actor, input.accountId);
    const passwordHash = await hashSecret(input.newPassword);
    return this.db.transaction(async (tx) => {
      const account = await this.find(tx, actor, input.accountId);
      refuseTheUsername(input.newPassword, account.username);
      await this.setPassword(tx, account, passwordHash, true);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.reset_password', 'staff_account', account.id);
      return account;
    });
  }

  /**
   * A member of staff changes her own password: the current one is checked (and counted by the
   * sign-in limit, so a stolen token cannot be used to guess it), every other session of hers ends,
   * and she gets a new token.
   */
  async changeMyPassword(p: Principal, input: ChangeMyPasswordInput, ip: string): Promise<SessionModel> {
    const account = await this.me(p);
    refuseTheUsername(input.newPassword, account.username);
    if (input.newPassword === input.currentPassword) {
      throw new NodeError('BAD_USER_INPUT', 'The new password is the current one', { reason: 'PASSWORD_UNCHANGED' });
    }
    assertSecretCheckCapacity();
    if (!(await this.throttle.begin(account.username, ip))) {
      throw new NodeError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { reason: 'LOGIN_LOCKED' });
    }
    if (!(await verifySecret(account.passwordHash, input.currentPassword))) {
      throw new NodeError('BAD_USER_INPUT', 'The current password is wrong', { reason: 'BAD_CREDENTIALS' });
    }
    const passwordHash = await hashSecret(input.newPassword);
    const saved = await this.db.transaction(async (tx) => {
      const locked = await this.find(tx, p, p.id);
      await this.setPassword(tx, locked, passwordHash, false);
      await this.accessLog.record(tx, p, p.centreId, 'staff.change_password', 'staff_account', locked.id);
      return locked;
    });
    await this.throttle.recordSuccess(account.username, ip);
    return this.session(saved);
  }

  /**
   * Signs out: every session of the account ends (this one and any other device), as a password
   * change ends them, without one: a caseworker leaving a shared office computer. Tokens carry the
   * time of the account's last password change (pv); moving it on is what ends them.
   */
  async signOut(p: Principal): Promise<boolean> {
    await this.db.transaction(async (tx) => {
      const account = await this.find(tx, p, p.id);
      account.passwordChangedAt = new Date(Math.max(Date.now(), account.passwordChangedAt.getTime() + 1));
      await tx.getRepository(StaffAccountEntity).save(account);
      await this.accessLog.record(tx, p, p.centreId, 'staff.sign_out', 'staff_account', account.id);
    });
    return true;
  }

  async deactivate(actor: Principal, accountId: string): Promise<StaffAccountEntity> {
    if (accountId === actor.id) throw new NodeError('BAD_USER_INPUT', 'You cannot deactivate your own account', { reason: 'SELF_DEACTIVATION' });
    return this.adminChange(actor, async (tx) => {
      const account = await this.find(tx, actor, accountId);
      account.active = false;
      await tx.getRepository(StaffAccountEntity).save(account);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.deactivate', 'staff_account', account.id);
      return account;
    });
  }

  /**
   * A leaver comes back: active again, with a new password, so no token from before works. Only an
   * inactive account, and never one's own: on an active one it was a password reset that the access log
   * called a reactivation, and on her own account a stolen admin token could set her password without the
   * current one (what resetPassword's SELF_RESET refuses).
   */
  async reactivate(actor: Principal, input: ReactivateStaffInput): Promise<StaffAccountEntity> {
    refuseSelfReset(actor, input.accountId);
    const passwordHash = await hashSecret(input.newPassword);
    return this.adminChange(actor, async (tx) => {
      const account = await this.find(tx, actor, input.accountId);
      if (account.active) {
        throw new NodeError('CONFLICT', 'This account is active: reset its password with resetStaffPassword', { reason: 'ACCOUNT_ACTIVE' });
      }
      refuseTheUsername(input.newPassword, account.username);
      account.active = true;
      await this.setPassword(tx, account, passwordHash, true);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.reactivate', 'staff_account', account.id);
      return account;
    });
  }

  /**
   * Another role for a member of staff; her tokens stop working at once, for good (the token version
   * moves: a token that only named the old role came back to life when the role was changed back). Not one's own.
   */
  async changeRole(actor: Principal, input: ChangeStaffRoleInput): Promise<StaffAccountEntity> {
    if (input.accountId === actor.id) throw new NodeError('BAD_USER_INPUT', 'You cannot change your own role', { reason: 'SELF_ROLE_CHANGE' });
    return this.adminChange(actor, async (tx) => {
      const account = await this.find(tx, actor, input.accountId);
      const from = account.role;
      account.role = input.role;
      if (from !== input.role) account.passwordChangedAt = new Date();
      await tx.getRepository(StaffAccountEntity).save(account);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.change_role', 'staff_account', account.id, { from, to: input.role });
      return account;
    });
  }

  /**
   * Changes to who may run the centre's node, one at a time: the actor must still be an active
   * centre admin when hers runs. Two admins deactivating (or demoting) each other at the same
   * moment left the centre without one; now the second finds she no longer is.
   */
  private adminChange<T>(actor: Principal, change: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paivand.staff-admin-changes'))`);
      const [me]: { active: boolean; role: string }[] = await tx.query('SELECT active, role FROM staff_accounts WHERE id = $1 AND centre_id = $2', [actor.id, actor.centreId]);
      if (!me?.active || me.role !== 'centre_admin') throw new NodeError('UNAUTHENTICATED', 'Account deactivated or changed; sign in again');
      return change(tx);
    });
  }

  /**
   * A new password (hash) for a locked account row: its tokens stop working, and its sign-in limit
   * starts afresh. `temporary`: set by an admin, so its holder must choose her own before anything else.
   */
  private async setPassword(tx: EntityManager, account: StaffAccountEntity, passwordHash: string, temporary: boolean): Promise<void> {
    account.passwordHash = passwordHash;
    account.mustChangePassword = temporary;
    account.passwordChangedAt = new Date();
    await tx.getRepository(StaffAccountEntity).save(account);
    await this.throttle.clearAccount(tx, account.username);
  }

  private async find(tx: EntityManager, actor: Principal, id: string): Promise<StaffAccountEntity> {
    const account = await tx.getRepository(StaffAccountEntity).findOne({ where: { id, centreId: actor.centreId }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw new NodeError('NOT_FOUND', 'Account not found');
    return account;
  }
}

/** One's own password is changed with changeMyPassword, which asks the current one (a stolen admin token could otherwise set it). */
function refuseSelfReset(actor: Principal, accountId: string): void {
  if (accountId === actor.id) throw new NodeError('BAD_USER_INPUT', 'Change your own password with changeMyPassword', { reason: 'SELF_RESET' });
}
