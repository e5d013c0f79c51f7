/** Issuer of the hub's tokens. */
export const JWT_ISSUER = 'paivand-hub';

/** Roles of the hub. Deny by default: every operation lists the roles it admits. */
export const HUB_ROLES = ['association_admin', 'member', 'researcher', 'ombudsman'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

/**
 * Who is calling. A `user` signed in with a password; a `node` is a member node
 * authenticated with its client credentials (role `member`, bound to its member).
 */
export interface Principal {
  readonly kind: 'user' | 'node';
  /** Account id (users) or credential client id (nodes). */
  readonly id: string;
  readonly role: HubRole;
  /** The organisation a `member` principal is bound to. */
  readonly memberId: string | null;
  /** The account's password was set by the Association and not yet changed by its holder (read at each request, not from the token). */
  readonly mustChangePassword?: boolean;
}

export interface JwtClaims {
  sub: string;
  kind: 'user' | 'node';
  role: HubRole;
  mid: string | null;
  /** The account's token version when the token was issued (user tokens). */
  tv?: number;
}
