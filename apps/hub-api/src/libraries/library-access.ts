import type { Principal } from '../common/auth/principal';
import type { AccessLevel } from './library-codes';

/**
 * Which published documents a caller may read, by access level. The Ombudsman reads public
 * documents only: "members and researchers" names exactly who else may read.
 */
export function readableAccessLevels(p: Principal | undefined): AccessLevel[] {
  switch (p?.role) {
    case undefined:
    case 'ombudsman':
      return ['public'];
    case 'researcher':
      return ['public', 'members_and_researchers'];
    case 'member':
    case 'association_admin':
      return ['public', 'members_and_researchers', 'members_only'];
  }
}

export function isModerator(p: Principal | undefined): boolean {
  return p?.role === 'association_admin';
}

/** The caller owns the document: its author account, or (for members) any account of the same member. */
export function ownsDocument(p: Principal | undefined, doc: { ownerAccountId: string; ownerMemberId: string | null }): boolean {
  if (!p) return false;
  if (p.id === doc.ownerAccountId) return true;
  return p.role === 'member' && p.memberId !== null && p.memberId === doc.ownerMemberId;
}

/** May see every version (drafts, reviews, history): the owner and the Association. */
export function managesDocument(p: Principal | undefined, doc: { ownerAccountId: string; ownerMemberId: string | null }): boolean {
  return isModerator(p) || ownsDocument(p, doc);
}
