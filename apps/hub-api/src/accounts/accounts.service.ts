import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { AuditService } from '../audit/audit.service';
import { MemberEntity } from '../members/member.entity';
import { AccountEntity } from './account.entity';
import { CreateAccountInput } from './dto/create-account.input';
import { LoginInput } from './dto/login.input';
import { SessionModel } from './models/session.model';
import { dummyHash, hashSecret, verifySecret } from '@paivand/nest-common';
import { TokenService } from './token.service';

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async login(input: LoginInput): Promise<SessionModel> {
    const email = input.email.trim().toLowerCase();
    const account = await this.db.getRepository(AccountEntity).findOne({ where: { email } });
    const ok = await verifySecret(account?.passwordHash ?? (await dummyHash()), input.password);
    if (!account || !ok || !account.active) {
      throw new HubError('UNAUTHENTICATED', 'Wrong email or password', { reason: 'BAD_CREDENTIALS' });
    }
    const principal: Principal = { kind: 'user', id: account.id, role: account.role, memberId: account.memberId };
    const { accessToken, expiresAt } = this.tokens.issue(principal);
    return { accessToken, expiresAt, role: account.role, memberId: account.memberId };
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
      // A member account speaks for its organisation: the organisation must be one the hub knows.
      if (input.memberId && !(await tx.getRepository(MemberEntity).exists({ where: { id: input.memberId } }))) {
        throw new HubError('BAD_USER_INPUT', 'No such member', { fields: [{ field: 'memberId', code: 'UNKNOWN_MEMBER', messages: ['no member has this id'] }] });
      }
      return this.insert(tx, actor, { ...input, passwordHash });
    });
  }

  /** Inserts an account inside the caller's transaction (also used by seeding). */
  async insert(
    tx: EntityManager,
    actor: Principal | null,
    a: { email: string; displayName: string; role: AccountEntity['role']; memberId?: string | null; passwordHash: string },
  ): Promise<AccountEntity> {
    const email = a.email.trim().toLowerCase();
    const repo = tx.getRepository(AccountEntity);
    if (await repo.exists({ where: { email } })) throw new HubError('CONFLICT', 'An account with this email exists', { reason: 'EMAIL_TAKEN' });
    const saved = await repo.save(
      repo.create({ email, displayName: a.displayName, role: a.role, memberId: a.memberId ?? null, passwordHash: a.passwordHash, active: true }),
    );
    await this.audit.record(tx, actor, 'account.create', 'account', saved.id, { role: saved.role, memberId: saved.memberId });
    return saved;
  }
}
