import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { MAX_ACTIVE_KEYS } from '../src/members/members.service';
import { admitTestMember, servicesCells, sign_, SUBMIT, submitAs, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';
import { waitForLockWaits } from '../../../test/harness/lock-waits';

/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are checked field by field */
describe('coordinator: member keys and credentials', () => {
  let hub: HubTestApp;
  let admin: string;
  let a: TestNode;
  const good = (t: string, o: string): number => 5 + ((t.length * 7 + o.length) % 20);
  const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();
  const REGISTER = 'mutation($i: RegisterKeyInput!) { registerNodeKey(input: $i) { keyId active } }';
  const REVOKE = 'mutation($i: RevokeKeyInput!) { revokeNodeKey(input: $i) { keyId active } }';
  const submit = (node: Pick<TestNode, 'memberId' | 'keyId' | 'privateKey' | 'token'>, period: string, dryRun = true): Promise<any> =>
    submitAs(hub, node, sign_(node, { cells: servicesCells(good), period }), dryRun);
  const audit = (action: string, objectId: string): Promise<{ details: Record<string, unknown> }[]> =>
    hub.dataSource.query(`SELECT details FROM audit_log WHERE action = $1 AND object_id = $2`, [action, objectId]);

  beforeAll(async () => {
    hub = await startHubTestApp();
    admin = await hub.signIn('association_admin');
    a = await admitTestMember(hub);
  }, 120_000);
  afterAll(() => hub.close());

  it('answers the very bytes it stored as a repeat even once their key is revoked (a resend after a lost acknowledgement, then the end of a rotation)', async () => {
    const b = await admitTestMember(hub);
    const body = sign_(b, { cells: servicesCells(good), period: '2025-06' });
    const stored = await submitAs(hub, b, body, false);
    expect(stored.status).toBe('SUCCESS');
    const next = generateKeyPairSync('ed25519');
    expect((await hub.gql(REGISTER, { i: { memberId: b.memberId, publicKey: pem(next.publicKey) } }, admin)).errors).toBeUndefined();
    expect((await hub.gql(REVOKE, { i: { memberId: b.memberId, keyId: b.keyId } }, admin)).data?.revokeNodeKey.active).toBe(false);
    // the same send again: the release the hub stores and serves, not KEY_UNKNOWN (the node recorded it as refused)
    const resent = await submitAs(hub, b, body, false);
    expect(resent).toMatchObject({ status: 'WARNING', submissionId: stored.submissionId, conflicts: [] });
    // other content under the revoked key is still refused
    const other = await submitAs(hub, b, sign_(b, { cells: servicesCells((t, o) => good(t, o) + 1), period: '2025-06', revision: 2 }), false);
    expect(other.conflicts.map((c: any) => c.code)).toEqual(['KEY_UNKNOWN']);
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [b.memberId]))[0].n).toBe(1);
  });

  it('refuses a signing key of small order (one signature would verify for every message), registered or already stored', async () => {
    const c = await admitTestMember(hub);
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const weak = await hub.gql(REGISTER, { i: { memberId: c.memberId, publicKey: identity.toString('base64') } }, admin);
    expect(weak.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'KEY_INVALID' } });
    // stored before the hub checked keys: a forged signature under it is still refused
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]);
    const storedPem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    await hub.dataSource.query(`INSERT INTO member_keys (key_id, member_id, public_key, active) VALUES ('ed25519:weak-identity', $1, $2, true)`, [c.memberId, storedPem]);
    const forged = Buffer.alloc(64);
    forged[0] = 1;
    const body = { ...sign_(c, { cells: servicesCells(good), period: '2025-07' }), keyId: 'ed25519:weak-identity', signature: forged.toString('base64') };
    const refused = await submitAs(hub, c, body, false);
    expect({ status: refused.status, codes: refused.conflicts.map((x: any) => x.code) }).toEqual({ status: 'ERROR', codes: ['SIGNATURE_INVALID'] });
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [c.memberId]))[0].n).toBe(0);
  });

  it('a release signed with a key being revoked at that moment is refused once the revocation commits, not stored after it', async () => {
    const c = await admitTestMember(hub);
    const revoking = hub.dataSource.createQueryRunner();
    await revoking.connect();
    await revoking.startTransaction();
    let summary: any;
    try {
      await revoking.query('UPDATE member_keys SET active = false WHERE key_id = $1', [c.keyId]);
      const pending = submitAs(hub, c, sign_(c, { cells: servicesCells(good), period: '2025-08' }), false);
      await waitForLockWaits(hub.dataSource, 'the submission waiting on its key');
      await revoking.commitTransaction();
      summary = await pending;
    } finally {
      if (revoking.isTransactionActive) await revoking.rollbackTransaction();
      await revoking.release();
    }
    expect({ status: summary.status, codes: summary.conflicts.map((x: any) => x.code) }).toEqual({ status: 'ERROR', codes: ['KEY_UNKNOWN'] });
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [c.memberId]))[0].n).toBe(0);
  }, 30_000);

  it('rotates a signing key: once the old key is revoked its signatures are refused, and it cannot be registered again', async () => {
    const next = generateKeyPairSync('ed25519');
    const reg = await hub.gql(REGISTER, { i: { memberId: a.memberId, publicKey: pem(next.publicKey) } }, admin);
    const newKeyId = reg.data?.registerNodeKey.keyId as string;
    expect(reg.data?.registerNodeKey.active).toBe(true);
    // Both keys sign during the change-over.
    expect((await submit(a, '2025-03')).status).toBe('SUCCESS');
    expect((await submit({ ...a, keyId: newKeyId, privateKey: next.privateKey }, '2025-03')).status).toBe('SUCCESS');

    const revoked = await hub.gql(REVOKE, { i: { memberId: a.memberId, keyId: a.keyId } }, admin);
    expect(revoked.data?.revokeNodeKey).toEqual({ keyId: a.keyId, active: false });
    const old = await submit(a, '2025-03', false);
    expect(old.status).toBe('ERROR');
    expect(old.conflicts.map((c: any) => c.code)).toEqual(['KEY_UNKNOWN']);
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [a.memberId]))[0].n).toBe(0);
    expect((await submit({ ...a, keyId: newKeyId, privateKey: next.privateKey }, '2025-03')).status).toBe('SUCCESS');

    const keys = await hub.gql(`{ memberKeys(memberId: "${a.memberId}") { keyId active } }`, {}, admin);
    expect(keys.data?.memberKeys).toEqual(expect.arrayContaining([{ keyId: a.keyId, active: false }, { keyId: newKeyId, active: true }]));
    expect(await audit('member.revoke_key', a.memberId)).toEqual([{ details: { keyId: a.keyId } }]);

    // The revoked key's public half cannot come back (it may be the leaked one).
    const keyRow = (await hub.dataSource.query(`SELECT public_key FROM member_keys WHERE key_id = $1`, [a.keyId]))[0];
    const again = await hub.gql(REGISTER, { i: { memberId: a.memberId, publicKey: keyRow.public_key } }, admin);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'KEY_REVOKED' } });
    a = { ...a, keyId: newKeyId, privateKey: next.privateKey };
  });

  it('a key of another member is neither registered nor revoked through this member', async () => {
    const b = await admitTestMember(hub);
    const bKey = (await hub.dataSource.query(`SELECT public_key FROM member_keys WHERE key_id = $1`, [b.keyId]))[0].public_key;
    const taken = await hub.gql(REGISTER, { i: { memberId: a.memberId, publicKey: bKey } }, admin);
    expect(taken.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'KEY_TAKEN' } });
    const cross = await hub.gql(REVOKE, { i: { memberId: a.memberId, keyId: b.keyId } }, admin);
    expect(cross.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bAccount = await hub.signIn('member', b.memberId);
    const other = await hub.gql(REVOKE, { i: { memberId: a.memberId, keyId: a.keyId } }, bAccount);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await submit(b, '2025-03')).status).toBe('SUCCESS');
  });

  it('a node with only its client credentials cannot register a key, revoke one, or rotate the credentials', async () => {
    const intruder = generateKeyPairSync('ed25519');
    const reg = await hub.gql(REGISTER, { i: { memberId: a.memberId, publicKey: pem(intruder.publicKey) } }, a.token);
    expect(reg.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    const rev = await hub.gql(REVOKE, { i: { memberId: a.memberId, keyId: a.keyId } }, a.token);
    expect(rev.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    const rot = await hub.gql(`mutation { rotateNodeCredentials(memberId: "${a.memberId}") { clientId } }`, {}, a.token);
    expect(rot.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    expect((await hub.dataSource.query(`SELECT count(*)::int AS n FROM member_keys WHERE member_id = $1`, [a.memberId]))[0].n).toBe(2);
    // The member's own account (a person at the centre) may.
    const centre = await hub.signIn('member', a.memberId);
    expect((await hub.gql(REGISTER, { i: { memberId: a.memberId, publicKey: pem(intruder.publicKey) } }, centre)).data?.registerNodeKey.active).toBe(true);
  });

  it('holds a member to MAX_ACTIVE_KEYS active signing keys, counting one being registered at the same moment', async () => {
    const k = await admitTestMember(hub);
    const fresh = (): string => pem(generateKeyPairSync('ed25519').publicKey);
    const register = async (publicKey: string): Promise<any> => {
      const res = await hub.gql(REGISTER, { i: { memberId: k.memberId, publicKey } }, admin);
      return res.data?.registerNodeKey ?? res.errors?.[0].extensions;
    };
    const active = async (): Promise<number> => (await hub.dataSource.query(`SELECT count(*)::int AS n FROM member_keys WHERE member_id = $1 AND active`, [k.memberId]))[0].n;
    for (let n = 1; n < MAX_ACTIVE_KEYS - 1; n++) expect((await register(fresh())).active).toBe(true);
    expect(await active()).toBe(MAX_ACTIVE_KEYS - 1);
    // registering a key it holds again is no new key
    const own = (await hub.dataSource.query(`SELECT public_key FROM member_keys WHERE key_id = $1`, [k.keyId]))[0].public_key;
    expect(await register(own)).toEqual({ keyId: k.keyId, active: true });

    // another registration in flight, as registerKey makes one (the member's row locked, the key stored, not yet
    // committed): this one waits for it and counts its key, rather than counting 9 and storing an 11th
    const tooMany = { code: 'CONFLICT', details: { reason: 'TOO_MANY_KEYS', max: MAX_ACTIVE_KEYS } };
    const inFlight = hub.dataSource.createQueryRunner();
    await inFlight.startTransaction();
    await inFlight.query(`SELECT 1 FROM members WHERE id = $1 FOR UPDATE`, [k.memberId]);
    await inFlight.query(`INSERT INTO member_keys (key_id, member_id, public_key, active) VALUES ('ed25519:in-flight', $1, $2, true)`, [k.memberId, fresh()]);
    const racing = register(fresh());
    await waitForLockWaits(hub.dataSource, 'the registration waiting on the member row');
    await inFlight.commitTransaction();
    await inFlight.release();
    expect(await racing).toEqual(tooMany);
    expect(await register(fresh())).toEqual(tooMany);
    expect(await active()).toBe(MAX_ACTIVE_KEYS);
    // a revoked key makes room
    await hub.gql(REVOKE, { i: { memberId: k.memberId, keyId: k.keyId } }, admin);
    expect((await register(fresh())).active).toBe(true);
    expect(await active()).toBe(MAX_ACTIVE_KEYS);
  });

  it('memberKeys shows every active key, however many revoked keys are newer, then the newest revoked ones', async () => {
    const k = await admitTestMember(hub);
    // 60 revoked keys, all newer than the one active key (stored straight: 60 registrations would only slow the test)
    await hub.dataSource.query(
      `INSERT INTO member_keys (key_id, member_id, public_key, active, created_at)
       SELECT 'ed25519:revoked-' || lpad(i::text, 2, '0'), $1, 'not a key', false, now() + i * interval '1 second' FROM generate_series(1, 60) i`,
      [k.memberId],
    );
    const keys = await hub.gql(`{ memberKeys(memberId: "${k.memberId}") { keyId active } }`, {}, admin);
    const revoked = Array.from({ length: MAX_ACTIVE_KEYS }, (_, i) => ({ keyId: `ed25519:revoked-${60 - i}`, active: false }));
    expect(keys.data?.memberKeys).toEqual([{ keyId: k.keyId, active: true }, ...revoked]);
  });

  it('rotating credentials ends the tokens issued with the old ones, not only the old secret', async () => {
    const before = await hub.gql(`{ member(id: "${a.memberId}") { status } }`, {}, a.token);
    expect(before.data?.member.status).toBe('admitted');
    const rot = await hub.gql(`mutation { rotateNodeCredentials(memberId: "${a.memberId}") { clientId clientSecret } }`, {}, admin);
    const fresh = rot.data?.rotateNodeCredentials;
    expect(fresh.clientId).not.toBe(a.clientId);
    const stale = await hub.gql(`{ member(id: "${a.memberId}") { status } }`, {}, a.token);
    expect(stale.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await hub.gql(SUBMIT, { s: sign_(a, { cells: servicesCells(good) }), d: true }, a.token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const oldSecret = await hub.gql('mutation($i: NodeTokenInput!) { nodeToken(input: $i) { accessToken } }', { i: { clientId: a.clientId, clientSecret: a.clientSecret } });
    expect(oldSecret.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const session = await hub.gql('mutation($i: NodeTokenInput!) { nodeToken(input: $i) { accessToken } }', { i: fresh });
    a = { ...a, ...fresh, token: session.data?.nodeToken.accessToken };
    expect((await submit(a, '2025-04')).status).toBe('SUCCESS');
    // The audit row names the new client id, never the secret.
    const rows = await audit('member.rotate_credentials', a.memberId);
    expect(JSON.stringify(rows)).toContain(fresh.clientId);
    expect(JSON.stringify(await hub.dataSource.query(`SELECT details FROM audit_log`))).not.toContain(fresh.clientSecret);
  });

  it('a suspended member signs in and is told why it is refused; readmitted, it submits again', async () => {
    const admittedAt = async (): Promise<string> => {
      const [{ t }] = await hub.dataSource.query<{ t: string }[]>('SELECT admitted_at::text AS t FROM members WHERE id = $1', [a.memberId]);
      return t;
    };
    const admitted = await admittedAt();
    expect(admitted).toEqual(expect.any(String));
    expect((await hub.gql(`mutation { suspendMember(memberId: "${a.memberId}") { status } }`, {}, admin)).data?.suspendMember.status).toBe('suspended');
    const refused = await submit(a, '2025-05', false);
    expect(refused.conflicts.map((c: any) => c.code)).toEqual(['MEMBER_SUSPENDED']);
    expect((await hub.gql(`mutation { reinstateMember(memberId: "${a.memberId}") { status } }`, {}, admin)).data?.reinstateMember.status).toBe('admitted');
    expect((await submit(a, '2025-05', false)).status).toBe('SUCCESS');
    for (const action of ['member.suspend', 'member.reinstate']) expect(await audit(action, a.memberId)).toHaveLength(1);
    // the admission date stays the first one (completeness owes nothing due before it)
    expect(await admittedAt()).toBe(admitted);
  });

  it('the Association reads its audit log: filtered, newest first, paged', async () => {
    const LOG = `query($f: AuditLogFilter) { auditLog(filter: $f) { total items { at actorKind actorId action objectType objectId details } } }`;
    const mine = await hub.gql(LOG, { f: { objectType: 'member', objectId: a.memberId } }, admin);
    const actions = (mine.data?.auditLog.items as any[]).map((i) => i.action);
    // newest first: the reinstatement of the test above, then its suspension, ..., the admission last
    expect(actions.slice(0, 2)).toEqual(['member.reinstate', 'member.suspend']);
    expect(actions[actions.length - 1]).toBe('member.admit');
    expect(mine.data?.auditLog.total).toBe(actions.length);
    expect(mine.data?.auditLog.items[0]).toMatchObject({ actorKind: 'user', objectType: 'member', objectId: a.memberId });
    const page = await hub.gql(LOG, { f: { objectId: a.memberId, first: 1, offset: 1 } }, admin);
    expect(page.data?.auditLog.items.map((i: any) => i.action)).toEqual(['member.suspend']);
    const stores = await hub.gql(LOG, { f: { action: 'submission.store', actorMemberId: a.memberId } }, admin);
    expect(stores.data?.auditLog.total).toBeGreaterThan(0);
    expect((stores.data?.auditLog.items as any[]).every((i) => i.action === 'submission.store' && i.actorKind === 'node')).toBe(true);
    const future = await hub.gql(LOG, { f: { objectId: a.memberId, from: new Date(Date.now() + 60_000).toISOString() } }, admin);
    expect(future.data?.auditLog).toEqual({ total: 0, items: [] });
    const reversed = await hub.gql(LOG, { f: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, admin);
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'to' })] } });
    const bad = await hub.gql(LOG, { f: { action: "x' OR 1=1", first: 500 } }, admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
