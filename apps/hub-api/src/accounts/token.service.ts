import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { JWT_ISSUER, JwtClaims, Principal } from '../common/auth/principal';
import { HubConfig } from '../config/hub-config';

/** Issues the hub's short-lived access tokens, for users and for member nodes alike. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: HubConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** `tokenVersion`: the account's, for user tokens (a password change or reset raises it). */
  issue(p: Principal, tokenVersion?: number): { accessToken: string; expiresAt: Date } {
    const claims: JwtClaims = { sub: p.id, kind: p.kind, role: p.role, mid: p.memberId, ...(tokenVersion !== undefined ? { tv: tokenVersion } : {}) };
    const accessToken = this.jwt.sign(claims, {
      secret: this.config.JWT_SECRET,
      expiresIn: this.config.JWT_TTL_SECONDS,
      issuer: JWT_ISSUER,
      algorithm: 'HS256',
    });
    return { accessToken, expiresAt: new Date(Date.now() + this.config.JWT_TTL_SECONDS * 1000) };
  }

  /**
   * Whether a token with a valid signature still speaks for someone: a user's account is active,
   * with the role and organisation the token names and no password change since it was issued, and
   * the organisation of a member account is admitted (see AccountsService.login: an account of a
   * suspended member may do nothing); a node's client credentials have not been rotated away (a
   * suspended member's node keeps its token, to be told MEMBER_SUSPENDED when it submits). One
   * indexed lookup per request.
   */
  async stillValid(claims: JwtClaims): Promise<{ mustChangePassword: boolean } | null> {
    if (claims.kind === 'node') {
      const rows = await this.db.query<{ ok: boolean }[]>(
        `SELECT c.active AND m.id = $2 AS ok FROM member_credentials c JOIN members m ON m.id = c.member_id WHERE c.client_id = $1`,
        [claims.sub, claims.mid],
      );
      return rows[0]?.ok === true ? { mustChangePassword: false } : null;
    }
    if (!isUUID(claims.sub)) return null;
    const rows = await this.db.query<{ active: boolean; role: string; member_id: string | null; token_version: number; member_status: string | null; must_change_password: boolean }[]>(
      `SELECT a.active, a.role, a.member_id, a.token_version, m.status AS member_status, a.must_change_password
         FROM accounts a LEFT JOIN members m ON m.id = a.member_id WHERE a.id = $1`,
      [claims.sub],
    );
    const a = rows[0];
    if (a === undefined || !a.active || a.role !== claims.role || a.member_id !== (claims.mid ?? null) || a.token_version !== (claims.tv ?? 0)) return null;
    return a.member_id === null || a.member_status === 'admitted' ? { mustChangePassword: a.must_change_password } : null;
  }
}
