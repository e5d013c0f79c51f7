/** Roles of a member node's staff. Deny by default: every operation lists the roles it admits. */
export const NODE_ROLES = ['caseworker', 'manager', 'centre_admin'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** A signed-in staff member of the centre this node serves. */
export interface Principal {
  readonly id: string;
  readonly role: NodeRole;
  /** The centre the account belongs to (a node serves one centre, `CENTRE_ID`). */
  readonly centreId: string;
  /** The account's password version the token was issued under (see JwtClaims.pv). */
  readonly passwordVersion?: number;
  /** The account's password was set by an admin and not yet changed by its holder (read at each request, not from the token). */
  readonly mustChangePassword?: boolean;
}

export interface JwtClaims {
  sub: string;
  role: NodeRole;
  cid: string;
  /**
   * Password version: when the account's password last changed (ms since the epoch) as the
   * token was issued. A reset changes it, which ends every session signed in with the old password.
   */
  pv?: number;
}
