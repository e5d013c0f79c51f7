import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, Not } from 'typeorm';
import { AttemptLimiter, dummyHash, hashSecret, verifySecret } from '@paivand/nest-common';
import { sha256Hex } from '@paivand/schema';
import { TokenService } from '../accounts/token.service';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import { HubConfig } from '../config/hub-config';
import { StandardsService } from '../standards/standards.service';
import { ApplyMemberInput } from './dto/member.inputs';
import { MemberCredentialEntity } from './member-credential.entity';
import { MemberKeyEntity } from './member-key.entity';
import { memberNameKey } from './member-name';
import { ADMITTED_STATUSES, MemberEntity, MemberStatus } from './member.entity';
import { keyIdOf, parseEd25519PublicKey, pemOf } from './node-keys';

/**
 * Active signing keys a member may hold at once: enough for a change-over on several nodes, and
 * few enough that memberKeys shows every one (a key nobody sees is a key nobody revokes).
 */
export const MAX_ACTIVE_KEYS = 10;

export interface IssuedCredentials {
  clientId: string;
  clientSecret: string;
}

/** Open membership: apply, admit or refuse, suspend and reinstate, credentials and keys. */
@Injectable()
export class MembersService {
  private readonly applications: AttemptLimiter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly standards: StandardsService,
    private readonly tokens: TokenService,
    private readonly config: HubConfig,
  ) {
    this.applications = new AttemptLimiter(db, { table: 'application_attempts' }, 24 * 3600);
  }

  /** A member principal may act only on its own organisation. */
  assertOwn(actor: Principal, memberId: string): void {
    if (actor.role === 'member' && actor.memberId !== memberId) {
      throw new HubError('FORBIDDEN', 'A member may act only on its own organisation', { reason: 'OTHER_MEMBER' });
    }
  }

  async list(status?: MemberStatus): Promise<MemberEntity[]> {
    return this.db.getRepository(MemberEntity).find({ where: status ? { status } : {}, order: { name: 'ASC' }, take: 500 });
  }

  async get(actor: Principal, id: string): Promise<MemberEntity> {
    this.assertOwn(actor, id);
    const m = await this.db.getRepository(MemberEntity).findOne({ where: { id } });
    if (!m) throw new HubError('NOT_FOUND', 'Member not found');
    return m;
  }

  /** Every active key of the member (at most MAX_ACTIVE_KEYS, unless older rows hold more), newest first, then as many of the newest revoked ones. */
  async keys(actor: Principal, memberId: string): Promise<MemberKeyEntity[]> {
    this.assertOwn(actor, memberId);
    const repo = this.db.getRepository(MemberKeyEntity);
    const order = { createdAt: 'DESC', keyId: 'ASC' } as const;
    const active = await repo.find({ where: { memberId, active: true }, order });
    const revoked = await repo.find({ where: { memberId, active: false }, order, take: MAX_ACTIVE_KEYS });
    return [...active, ...revoked];
  }

  /**
   * Stores an application (open membership: anyone may apply). Anonymous and signed-in callers
   * other than the Association's coordinators are held to APPLICATIONS_PER_DAY stored applications
   * per source (the client address, hashed; the account when signed in), and nobody but a
   * coordinator may apply while MAX_OPEN_APPLICATIONS are undecided: RATE_LIMITED, nothing stored.
   * Refused applications (invalid input, a name taken) do not count.
   */
  async apply(actor: Principal | null, input: ApplyMemberInput, address: string): Promise<MemberEntity> {
    const std = await this.standards.current();
    const bad: { field: string; messages: string[] }[] = [];
    if (!std.hasCode('centre_type', input.centreType)) bad.push({ field: 'centreType', messages: ['must be a code of centre_type'] });
    if (!std.hasCode('region', input.region)) bad.push({ field: 'region', messages: ['must be a code of region'] });
    if (input.district !== undefined && input.district !== null) {
      const parent = std.codelist('district')?.codes.find((c) => c.code === input.district)?.parent;
      if (parent !== input.region) bad.push({ field: 'district', messages: ['must be a district of the region'] });
    }
    if (bad.length > 0) throw new HubError('BAD_USER_INPUT', `Invalid input: ${bad.map((b) => b.field).join(', ')}`, { reason: 'VALIDATION_FAILED', fields: bad });
    // the per-source counts are taken inside the transaction below; their occasional sweep runs outside it
    await this.applications.sweepNow();
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(MemberEntity);
      // Applications one at a time, so that two with the same name cannot both pass the check
      // (the unique index on name sees exact duplicates only). Compared in JS, not with SQL lower(),
      // which lowers Cyrillic only under a database locale that knows it. A refused application keeps
      // no name (nor does the index): there is no rename or delete, so a squatter refused under a real
      // centre's name would otherwise block that centre for good.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paivand.members.apply'))`);
      const key = memberNameKey(input.name);
      const names = await repo.find({ select: { id: true, name: true }, where: { status: Not('refused') } });
      if (names.some((m) => memberNameKey(m.name) === key)) {
        throw new HubError('CONFLICT', 'An organisation with this name has applied or is a member', { reason: 'NAME_TAKEN' });
      }
      if (actor?.role !== 'association_admin') await this.holdToLimits(tx, actor, address);
      const m = await repo.save(
        repo.create({
          name: input.name.trim(),
          centreType: input.centreType,
          region: input.region,
          district: input.district ?? null,
          contactEmail: input.contactEmail.trim().toLowerCase(),
          status: 'applied',
          decidedAt: null,
        }),
      );
      await this.audit.record(tx, actor, 'member.apply', 'member', m.id, { centreType: m.centreType, region: m.region });
      return m;
    });
  }

  /** The limits of `apply` for everyone but a coordinator; runs under the applications' advisory lock. */
  private async holdToLimits(tx: EntityManager, actor: Principal | null, address: string): Promise<void> {
    if ((await tx.getRepository(MemberEntity).count({ where: { status: 'applied' } })) >= this.config.MAX_OPEN_APPLICATIONS) {
      throw new HubError('RATE_LIMITED', 'The Association has too many undecided applications; try again later', { reason: 'APPLICATIONS_FULL' });
    }
    const source = actor ? `account:${sha256Hex(actor.id)}` : `address:${sha256Hex(address)}`;
    // On the transaction's connection: every connection of the pool may be waiting on the advisory lock
    // this one holds (a burst of applications), and a count on a second connection would wait for them.
    const { locked } = await this.applications.take(source, this.config.APPLICATIONS_PER_DAY, tx);
    if (locked) {
      throw new HubError('RATE_LIMITED', `At most ${this.config.APPLICATIONS_PER_DAY} applications a day from one address or account; try again tomorrow`, {
        reason: 'TOO_MANY_APPLICATIONS',
      });
    }
  }

  async admit(actor: Principal, memberId: string, publicKey: string): Promise<{ member: MemberEntity; credentials: IssuedCredentials; key: MemberKeyEntity }> {
    const parsed = parseEd25519PublicKey(publicKey);
    const issued = await this.newCredentials();
    return this.db.transaction(async (tx) => {
      const member = await this.transition(tx, memberId, ['applied'], 'admitted');
      await this.storeCredentials(tx, memberId, issued);
      const key = await this.storeKey(tx, memberId, parsed);
      await this.audit.record(tx, actor, 'member.admit', 'member', memberId, { clientId: issued.clientId, keyId: key.keyId });
      return { member, credentials: { clientId: issued.clientId, clientSecret: issued.clientSecret }, key };
    });
  }

  async refuse(actor: Principal, memberId: string): Promise<MemberEntity> {
    return this.db.transaction(async (tx) => {
      const m = await this.transition(tx, memberId, ['applied'], 'refused');
      await this.audit.record(tx, actor, 'member.refuse', 'member', memberId);
      return m;
    });
  }

  async suspend(actor: Principal, memberId: string): Promise<MemberEntity> {
    return this.db.transaction(async (tx) => {
      const m = await this.transition(tx, memberId, ['admitted'], 'suspended');
      await this.audit.record(tx, actor, 'member.suspend', 'member', memberId);
      return m;
    });
  }

  async reinstate(actor: Principal, memberId: string): Promise<MemberEntity> {
    return this.db.transaction(async (tx) => {
      const m = await this.transition(tx, memberId, ['suspended'], 'admitted');
      await this.audit.record(tx, actor, 'member.reinstate', 'member', memberId);
      return m;
    });
  }

  /**
   * Credentials and signing keys are managed by people (the Association or the member's own
   * accounts), never by a node with its client credentials: else whoever holds a leaked client
   * secret could register a key of its own and sign in the member's name, or lock the node out.
   */
  assertManagedByPerson(actor: Principal): void {
    if (actor.kind === 'node') {
      throw new HubError('FORBIDDEN', "A node may not manage its member's credentials or keys; an account of the member may", { reason: 'NODE_PRINCIPAL' });
    }
  }

  /** New client credentials; every earlier credential of the member stops working. */
  async rotateCredentials(actor: Principal, memberId: string): Promise<IssuedCredentials> {
    this.assertManagedByPerson(actor);
    this.assertOwn(actor, memberId);
    const issued = await this.newCredentials();
    return this.db.transaction(async (tx) => {
      const m = await tx.getRepository(MemberEntity).findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
      if (!m || !ADMITTED_STATUSES.includes(m.status)) throw new HubError('NOT_FOUND', 'No admitted member with this id');
      await tx.getRepository(MemberCredentialEntity).update({ memberId, active: true }, { active: false });
      await this.storeCredentials(tx, memberId, issued);
      await this.audit.record(tx, actor, 'member.rotate_credentials', 'member', memberId, { clientId: issued.clientId });
      return { clientId: issued.clientId, clientSecret: issued.clientSecret };
    });
  }

  async registerKey(actor: Principal, memberId: string, publicKey: string): Promise<MemberKeyEntity> {
    this.assertManagedByPerson(actor);
    this.assertOwn(actor, memberId);
    const parsed = parseEd25519PublicKey(publicKey);
    return this.db.transaction(async (tx) => {
      // locked: registrations of one member one at a time, so that two cannot both pass the cap on active keys
      const m = await tx.getRepository(MemberEntity).findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
      if (!m || !ADMITTED_STATUSES.includes(m.status)) throw new HubError('NOT_FOUND', 'No admitted member with this id');
      const key = await this.storeKey(tx, memberId, parsed);
      await this.audit.record(tx, actor, 'member.register_key', 'member', memberId, { keyId: key.keyId });
      return key;
    });
  }

  /**
   * Revokes a signing key (rotation ends with it, or a key is lost): submissions signed with it
   * are refused from now on (KEY_UNKNOWN), and it can never be registered again.
   */
  async revokeKey(actor: Principal, memberId: string, keyId: string): Promise<MemberKeyEntity> {
    this.assertManagedByPerson(actor);
    this.assertOwn(actor, memberId);
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(MemberKeyEntity);
      const key = await repo.findOne({ where: { keyId, memberId }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new HubError('NOT_FOUND', 'This member has no key with this id', { reason: 'KEY_UNKNOWN' });
      if (!key.active) return key;
      key.active = false;
      const saved = await repo.save(key);
      await this.audit.record(tx, actor, 'member.revoke_key', 'member', memberId, { keyId });
      return saved;
    });
  }

  /** Client credentials for a short-lived node token (role member, bound to the member). */
  async nodeToken(clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresAt: Date; memberId: string }> {
    const cred = await this.db.getRepository(MemberCredentialEntity).findOne({ where: { clientId, active: true } });
    const ok = await verifySecret(cred?.secretHash ?? (await dummyHash()), clientSecret);
    if (!cred || !ok) throw new HubError('UNAUTHENTICATED', 'Wrong client id or secret', { reason: 'BAD_CREDENTIALS' });
    const member = await this.db.getRepository(MemberEntity).findOne({ where: { id: cred.memberId } });
    // A suspended node may still sign in: its submissions are refused with MEMBER_SUSPENDED, which it must see.
    if (!member || !ADMITTED_STATUSES.includes(member.status)) {
      throw new HubError('UNAUTHENTICATED', 'This member is not admitted', { reason: 'MEMBER_NOT_ADMITTED' });
    }
    const { accessToken, expiresAt } = this.tokens.issue({ kind: 'node', id: clientId, role: 'member', memberId: member.id });
    return { accessToken, expiresAt, memberId: member.id };
  }

  /** Inserts an admitted member with credentials and key (seeding and tests). */
  async insertAdmitted(
    tx: EntityManager,
    m: Pick<MemberEntity, 'name' | 'centreType' | 'region' | 'district' | 'contactEmail'>,
    publicKey: string,
    credentials?: IssuedCredentials,
  ): Promise<{ member: MemberEntity; credentials: IssuedCredentials; key: MemberKeyEntity }> {
    const repo = tx.getRepository(MemberEntity);
    const now = new Date();
    const member = await repo.save(repo.create({ ...m, status: 'admitted', decidedAt: now, admittedAt: now }));
    const issued = credentials ?? (await this.newCredentials());
    await this.storeCredentials(tx, member.id, { ...issued, secretHash: await hashSecret(issued.clientSecret) });
    const key = await this.storeKey(tx, member.id, parseEd25519PublicKey(publicKey));
    await this.audit.record(tx, null, 'member.admit', 'member', member.id, { clientId: issued.clientId, keyId: key.keyId, seeded: true });
    return { member, credentials: issued, key };
  }

  private async transition(tx: EntityManager, id: string, from: MemberStatus[], to: MemberStatus): Promise<MemberEntity> {
    const repo = tx.getRepository(MemberEntity);
    const m = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!m) throw new HubError('NOT_FOUND', 'Member not found');
    if (!from.includes(m.status)) {
      throw new HubError('CONFLICT', `A member that is ${m.status} cannot become ${to}`, { reason: 'MEMBER_STATUS', status: m.status });
    }
    m.status = to;
    m.decidedAt = new Date();
    m.admittedAt ??= to === 'admitted' ? m.decidedAt : null;
    return repo.save(m);
  }

  private async newCredentials(): Promise<IssuedCredentials & { secretHash: string }> {
    const clientId = `node_${randomBytes(12).toString('base64url')}`;
    const clientSecret = randomBytes(32).toString('base64url');
    return { clientId, clientSecret, secretHash: await hashSecret(clientSecret) };
  }

  private async storeCredentials(tx: EntityManager, memberId: string, c: { clientId: string; secretHash: string }): Promise<void> {
    await tx.getRepository(MemberCredentialEntity).insert({ clientId: c.clientId, memberId, secretHash: c.secretHash, active: true });
  }

  private async storeKey(tx: EntityManager, memberId: string, key: ReturnType<typeof parseEd25519PublicKey>): Promise<MemberKeyEntity> {
    const repo = tx.getRepository(MemberKeyEntity);
    const keyId = keyIdOf(key);
    const existing = await repo.findOne({ where: { keyId } });
    if (existing) {
      if (existing.memberId !== memberId) throw new HubError('CONFLICT', 'This key is registered to another member', { reason: 'KEY_TAKEN' });
      // A revoked key stays revoked: registering it again would undo the revocation of a leaked key.
      if (!existing.active) throw new HubError('CONFLICT', 'This key was revoked; generate a new one', { reason: 'KEY_REVOKED' });
      return existing;
    }
    // the callers hold the member's row locked (admit, registerKey) or have just inserted it
    if ((await repo.count({ where: { memberId, active: true } })) >= MAX_ACTIVE_KEYS) {
      throw new HubError('CONFLICT', `A member holds at most ${MAX_ACTIVE_KEYS} active signing keys; revoke one it no longer uses first`, {
        reason: 'TOO_MANY_KEYS',
        max: MAX_ACTIVE_KEYS,
      });
    }
    return repo.save(repo.create({ keyId, memberId, publicKey: pemOf(key), active: true }));
  }
}
