import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { HubConfig } from '../../config/hub-config';
import { TokenService } from '../../accounts/token.service';
import { HUB_ROLES, JWT_ISSUER, JwtClaims, Principal } from './principal';


@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: HubConfig,
    private readonly tokens: TokenService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string or Buffer, jsonwebtoken first tries to parse it as a PEM
      // public key on every request, which throws and catches (about 1.5 ms of CPU per request, the largest
      // single cost of a cached statistics query). jsonwebtoken accepts a KeyObject; the typings predate that.
      secretOrKey: createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')) as unknown as Buffer,
      issuer: JWT_ISSUER,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: JwtClaims): Promise<Principal | false> {
    if (!(HUB_ROLES as readonly string[]).includes(claims.role)) return false;
    if (claims.kind !== 'user' && claims.kind !== 'node') return false;
    // A deactivated account, a changed password or rotated node credentials end the tokens issued before.
    const valid = await this.tokens.stillValid(claims);
    if (!valid) return false;
    return { kind: claims.kind, id: claims.sub, role: claims.role, memberId: claims.mid ?? null, mustChangePassword: valid.mustChangePassword };
  }
}
