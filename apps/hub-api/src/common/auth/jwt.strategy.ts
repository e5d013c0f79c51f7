import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { HubConfig } from '../../config/hub-config';
import { HUB_ROLES, JwtClaims, Principal } from './principal';

export const JWT_ISSUER = 'paivand-hub';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: HubConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      issuer: JWT_ISSUER,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: JwtClaims): Principal | false {
    if (!(HUB_ROLES as readonly string[]).includes(claims.role)) return false;
    if (claims.kind !== 'user' && claims.kind !== 'node') return false;
    return { kind: claims.kind, id: claims.sub, role: claims.role, memberId: claims.mid ?? null };
  }
}
