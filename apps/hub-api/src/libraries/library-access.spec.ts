import type { Principal } from '../common/auth/principal';
import { managesDocument, ownsDocument, readableAccessLevels } from './library-access';

const who = (role: Principal['role'], memberId: string | null = null, id = 'acc-1'): Principal => ({ kind: 'user', id, role, memberId });

describe('library access policy', () => {
  it('maps each role to the access levels it may read', () => {
    expect(readableAccessLevels(undefined)).toEqual(['public']);
    expect(readableAccessLevels(who('ombudsman'))).toEqual(['public']);
    expect(readableAccessLevels(who('researcher'))).toEqual(['public', 'members_and_researchers']);
    expect(readableAccessLevels(who('member', 'm1'))).toContain('members_only');
    expect(readableAccessLevels(who('association_admin'))).toContain('members_only');
  });

  it('lets the author, fellow accounts of the same member and the Association manage a document', () => {
    const doc = { ownerAccountId: 'acc-1', ownerMemberId: 'm1' };
    expect(ownsDocument(who('member', 'm1', 'acc-2'), doc)).toBe(true);
    expect(ownsDocument(who('member', 'm2', 'acc-3'), doc)).toBe(false);
    expect(ownsDocument(who('researcher', null, 'acc-4'), doc)).toBe(false);
    expect(managesDocument(who('association_admin', null, 'acc-5'), doc)).toBe(true);
    expect(managesDocument(undefined, doc)).toBe(false);
  });
});
