import type { Principal } from '../common/auth/principal';
import { HubError } from '../common/errors/hub.error';
import type { AccessLevel } from './library-codes';

/**
 * Which published documents a caller may read, by access level. The Ombudsman reads public
 * documents only: "members and researchers" names exactly who else may read.
 */
export function readableAccessLevels(p: Principal | undefined): AccessLevel[] {
  // A member node is a machine that pushes releases and pulls the standard; it reads nothing a
  // person of its member could not share in public (its token outlived the member's suspension).
  if (p?.kind === 'node') return ['public'];
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

/**
 * Library documents are written by people: a member node (client credentials, role `member`)
 * reads public documents only, and authors, edits and attaches nothing (FORBIDDEN, NODE_PRINCIPAL).
 */
export function assertPerson(p: Principal): void {
  if (p.kind !== 'user') throw new HubError('FORBIDDEN', 'Library documents are written by people; a node may read them', { reason: 'NODE_PRINCIPAL' });
}

/** The caller owns the document: its author account, or (for members) any account of the same member. Never a node. */
export function ownsDocument(p: Principal | undefined, doc: { ownerAccountId: string; ownerMemberId: string | null }): boolean {
  if (!p || p.kind !== 'user') return false;
  if (p.id === doc.ownerAccountId) return true;
  return p.role === 'member' && p.memberId !== null && p.memberId === doc.ownerMemberId;
}

/** May see every version (drafts, reviews, history): the owner and the Association. */
export function managesDocument(p: Principal | undefined, doc: { ownerAccountId: string; ownerMemberId: string | null }): boolean {
  return isModerator(p) || ownsDocument(p, doc);
}
