import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JWT_ISSUER } from '../common/auth/jwt.strategy';
import { JwtClaims, Principal } from '../common/auth/principal';
import { NodeConfig } from '../config/node-config';

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: NodeConfig,
  ) {}

  /** A token for `p`, bound to the account's password version (when its password last changed, ms). */
  issue(p: Principal, passwordVersion: number): { accessToken: string; expiresAt: Date } {
    const claims: JwtClaims = { sub: p.id, role: p.role, cid: p.centreId, pv: passwordVersion };
    const accessToken = this.jwt.sign(claims, {
      secret: this.config.JWT_SECRET,
      expiresIn: this.config.JWT_TTL_SECONDS,
      issuer: JWT_ISSUER,
      audience: this.config.CENTRE_ID,
      algorithm: 'HS256',
    });
    return { accessToken, expiresAt: new Date(Date.now() + this.config.JWT_TTL_SECONDS * 1000) };
  }
}
