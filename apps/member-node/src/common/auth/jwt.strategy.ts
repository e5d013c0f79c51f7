import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { NodeConfig } from '../../config/node-config';
import { JwtClaims, NODE_ROLES, Principal } from './principal';

export const JWT_ISSUER = 'paivand-member-node';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'node-jwt') {
  constructor(private readonly config: NodeConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      issuer: JWT_ISSUER,
      audience: config.CENTRE_ID,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: JwtClaims): Principal | false {
    if (!(NODE_ROLES as readonly string[]).includes(claims.role)) return false;
    // A token minted for another centre never opens this one.
    if (claims.cid !== this.config.CENTRE_ID) return false;
    return { id: claims.sub, role: claims.role, centreId: claims.cid, passwordVersion: claims.pv };
  }
}
