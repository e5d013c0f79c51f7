import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JwtClaims, Principal } from '../common/auth/principal';
import { JWT_ISSUER } from '../common/auth/jwt.strategy';
import { HubConfig } from '../config/hub-config';

/** Issues the hub's short-lived access tokens, for users and for member nodes alike. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: HubConfig,
  ) {}

  issue(p: Principal): { accessToken: string; expiresAt: Date } {
    const claims: JwtClaims = { sub: p.id, kind: p.kind, role: p.role, mid: p.memberId };
    const accessToken = this.jwt.sign(claims, {
      secret: this.config.JWT_SECRET,
      expiresIn: this.config.JWT_TTL_SECONDS,
      issuer: JWT_ISSUER,
      algorithm: 'HS256',
    });
    return { accessToken, expiresAt: new Date(Date.now() + this.config.JWT_TTL_SECONDS * 1000) };
  }
}
