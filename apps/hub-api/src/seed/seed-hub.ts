import { generateKeyPairSync } from 'node:crypto';
import { DataSource, Not } from 'typeorm';
import { STANDARD } from '@paivand/schema';
import { AccountsService } from '../accounts/accounts.service';
import { hashSecret } from '@paivand/nest-common';
import { HubRole } from '../common/auth/principal';
import { MemberEntity } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { StandardsService } from '../standards/standards.service';
import { FOUNDING_MEMBERS } from './founding-members';

export interface SeededMember {
  memberId: string;
  name: string;
  clientId: string;
  clientSecret: string;
  keyId: string;
  /** PKCS#8 PEM of the node's Ed25519 signing key (demo only: a real node makes its own). */
  privateKeyPem: string;
}

export interface SeedResult {
  members: SeededMember[];
  accounts: { email: string; role: HubRole; memberId: string | null }[];
  password: string;
}

/**
 * Seeds the standard, the eight founding members (admitted, with node credentials and
 * keys) and demo accounts. Idempotent: what exists is left alone (and not returned).
 */
export async function seedHub(
  services: { db: DataSource; members: MembersService; accounts: AccountsService; standards: StandardsService },
  password = 'paivand demo password',
): Promise<SeedResult> {
  const { db } = services;
  const result: SeedResult = { members: [], accounts: [], password };
  const passwordHash = await hashSecret(password);
  await db.transaction(async (tx) => {
    await services.standards.seed(tx, STANDARD);
    for (const m of FOUNDING_MEMBERS) {
      // a refused application under a founding member's name does not hold it (the name is free again)
      if (await tx.getRepository(MemberEntity).exists({ where: { name: m.name, status: Not('refused') } })) continue;
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const r = await services.members.insertAdmitted(tx, { ...m }, pem);
      result.members.push({
        memberId: r.member.id,
        name: r.member.name,
        clientId: r.credentials.clientId,
        clientSecret: r.credentials.clientSecret,
        keyId: r.key.keyId,
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
    }
    const firstMember = await tx.getRepository(MemberEntity).findOne({ where: { name: FOUNDING_MEMBERS[0].name, status: Not('refused') } });
    const demo: { email: string; role: HubRole; memberId: string | null; displayName: string }[] = [
      { email: 'coordinator@association.example.tj', role: 'association_admin', memberId: null, displayName: 'Association coordinator' },
      { email: 'researcher@university.example.tj', role: 'researcher', memberId: null, displayName: 'Researcher' },
      { email: 'analyst@ombudsman.example.tj', role: 'ombudsman', memberId: null, displayName: 'Ombudsman office analyst' },
      { email: 'manager@gulrukhsor.example.tj', role: 'member', memberId: firstMember?.id ?? null, displayName: 'Centre manager' },
    ];
    for (const a of demo) {
      if (a.role === 'member' && !a.memberId) continue;
      const exists = (await tx.query<unknown[]>('SELECT 1 FROM accounts WHERE email = $1', [a.email]));
      if (exists.length > 0) continue;
      await services.accounts.insert(tx, null, { ...a, passwordHash });
      result.accounts.push({ email: a.email, role: a.role, memberId: a.memberId });
    }
  });
  return result;
}

/**
 * The credentials file after a seed: the earlier file's members and accounts, with those
 * this seed created added (a member seeded again replaces its entry: new secrets were made).
 */
export function mergeSeedFile(earlier: SeedResult | undefined, now: SeedResult): SeedResult {
  if (!earlier) return now;
  const members = new Map(earlier.members.map((m) => [m.memberId, m]));
  for (const m of now.members) members.set(m.memberId, m);
  const accounts = new Map(earlier.accounts.map((a) => [a.email, a]));
  for (const a of now.accounts) accounts.set(a.email, a);
  return { members: [...members.values()], accounts: [...accounts.values()], password: now.password };
}
