import { mergeSeedFile, SeededMember, SeedResult } from './seed-hub';

const member = (memberId: string, clientSecret: string): SeededMember => ({
  memberId,
  name: memberId,
  clientId: `${memberId}-node`,
  clientSecret,
  keyId: `${memberId}-k1`,
  privateKeyPem: 'synthetic',
});

describe('mergeSeedFile (the credentials file hub:seed writes)', () => {
  const first: SeedResult = {
    members: [member('DSH', 's1'), member('KHJ', 's2')],
    accounts: [{ email: 'admin@example.org', role: 'association_admin', memberId: null }],
    password: 'pw',
  };

  it('is the seed itself the first time', () => {
    expect(mergeSeedFile(undefined, first)).toBe(first);
  });

  it('keeps every earlier secret when a second seed creates nothing (the hub holds only their hashes)', () => {
    expect(mergeSeedFile(first, { members: [], accounts: [], password: 'pw' })).toEqual(first);
  });

  it('adds what a later seed created, and a member seeded again carries its new secret', () => {
    const later: SeedResult = { members: [member('KHJ', 's3'), member('GRM', 's4')], accounts: [], password: 'pw' };
    const merged = mergeSeedFile(first, later);
    expect(merged.members.map((m) => [m.memberId, m.clientSecret])).toEqual([
      ['DSH', 's1'],
      ['KHJ', 's3'],
      ['GRM', 's4'],
    ]);
    expect(merged.accounts).toEqual(first.accounts);
  });
});
