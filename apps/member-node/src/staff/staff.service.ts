import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { Principal } from '../common/auth/principal';
import { NodeError } from '../common/errors/node.error';
import { NodeConfig } from '../config/node-config';
import { CreateStaffInput, LoginInput, ResetPasswordInput } from './dto/staff.inputs';
import { SessionModel } from './models/staff.model';
import { accountKey, LoginThrottleService } from './login-throttle.service';
import { dummyHash, hashSecret, verifySecret } from '@paivand/nest-common';
import { StaffAccountEntity } from './staff-account.entity';
import { TokenService } from './token.service';

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
    if (!(await this.throttle.begin(username, ip))) {
      throw new NodeError('RATE_LIMITED', 'Too many failed sign-ins; try again later', { reason: 'LOGIN_LOCKED' });
    }
    const account = await this.db.getRepository(StaffAccountEntity).findOne({ where: { username, centreId: this.config.CENTRE_ID } });
    const ok = await verifySecret(account?.passwordHash ?? (await dummyHash()), input.password);
    if (!account || !ok || !account.active) {
      throw new NodeError('UNAUTHENTICATED', 'Wrong username or password', { reason: 'BAD_CREDENTIALS' });
    }
    await this.throttle.recordSuccess(username, ip);
    const { accessToken, expiresAt } = this.tokens.issue({ id: account.id, role: account.role, centreId: account.centreId }, account.passwordChangedAt.getTime());
    return { accessToken, expiresAt, role: account.role, centreId: account.centreId };
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
    return this.db.transaction((tx) => this.insert(tx, actor, { ...input, passwordHash }));
  }

  /** Inserts an account inside the caller's transaction (also used by seeding and tests). */
  async insert(
    tx: EntityManager,
    actor: Principal | null,
    a: { username: string; displayName: string; role: StaffAccountEntity['role']; passwordHash: string },
  ): Promise<StaffAccountEntity> {
    const username = a.username.trim().toLowerCase();
    const repo = tx.getRepository(StaffAccountEntity);
    if (await repo.exists({ where: { username } })) throw new NodeError('CONFLICT', 'This username is taken', { reason: 'USERNAME_TAKEN' });
    const saved = await repo.save(
      repo.create({ centreId: this.config.CENTRE_ID, username, displayName: a.displayName, role: a.role, passwordHash: a.passwordHash, active: true }),
    );
    await this.accessLog.record(tx, actor, this.config.CENTRE_ID, 'staff.create', 'staff_account', saved.id, { role: saved.role });
    return saved;
  }

  async resetPassword(actor: Principal, input: ResetPasswordInput): Promise<StaffAccountEntity> {
    const passwordHash = await hashSecret(input.newPassword);
    return this.db.transaction(async (tx) => {
      const account = await this.find(tx, actor, input.accountId);
      account.passwordHash = passwordHash;
      account.passwordChangedAt = new Date();
      await tx.getRepository(StaffAccountEntity).save(account);
      await tx.query('DELETE FROM login_throttle WHERE key = $1', [accountKey(account.username)]);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.reset_password', 'staff_account', account.id);
      return account;
    });
  }

  async deactivate(actor: Principal, accountId: string): Promise<StaffAccountEntity> {
    if (accountId === actor.id) throw new NodeError('BAD_USER_INPUT', 'You cannot deactivate your own account', { reason: 'SELF_DEACTIVATION' });
    return this.db.transaction(async (tx) => {
      const account = await this.find(tx, actor, accountId);
      account.active = false;
      await tx.getRepository(StaffAccountEntity).save(account);
      await this.accessLog.record(tx, actor, actor.centreId, 'staff.deactivate', 'staff_account', account.id);
      return account;
    });
  }

  private async find(tx: EntityManager, actor: Principal, id: string): Promise<StaffAccountEntity> {
    const account = await tx.getRepository(StaffAccountEntity).findOne({ where: { id, centreId: actor.centreId }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw new NodeError('NOT_FOUND', 'Account not found');
    return account;
  }
}
