import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { RateLimiter, sourceAddress } from '@paivand/nest-common';
import { HubConfig } from '../../config/hub-config';
import { HubError } from '../errors/hub.error';
import { requestOf, responseOf } from '../graphql/request-of';
import { HubRole, Principal } from './principal';
import { PUBLIC_KEY, ROLES_KEY, TEMPORARY_PASSWORD_KEY } from './roles.decorator';

/**
 * Global guard, deny by default: an operation without @Roles or @Public is refused.
 * No or bad token -> UNAUTHENTICATED; a valid token without the role -> FORBIDDEN; a session on a
 * password the Association set, outside @AllowTemporaryPassword -> FORBIDDEN (PASSWORD_CHANGE_REQUIRED).
 */
@Injectable()
export class HubAuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    config: HubConfig,
  ) {
    this.limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
    const roles = this.reflector.getAllAndOverride<HubRole[] | undefined>(ROLES_KEY, targets);
    const req = requestOf(ctx);
    const hasToken = typeof req.headers.authorization === 'string' && req.headers.authorization.length > 0;

    if (hasToken) {
      req.principal = await this.authenticate(ctx);
    }
    // A session on a password the Association set may change it and little else; an operation open to anyone
    // it may call as anyone may, signed out (no view a role would give it).
    const temporary = req.principal?.mustChangePassword === true && this.reflector.getAllAndOverride<boolean | undefined>(TEMPORARY_PASSWORD_KEY, targets) !== true;
    if (temporary && isPublic) req.principal = undefined;
    // Rate limit per account (or node client), per IP when anonymous.
    const who = req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${sourceAddress(req.ip)}`;
    if (!this.limiter.take(who)) throw new HubError('RATE_LIMITED', 'Too many requests; retry in a minute');
    if (isPublic) return true;
    if (!roles || roles.length === 0) {
      throw new HubError('FORBIDDEN', 'This operation admits no role');
    }
    if (!req.principal) throw new HubError('UNAUTHENTICATED', 'Sign in first');
    if (!roles.includes(req.principal.role)) {
      throw new HubError('FORBIDDEN', 'Your role may not perform this operation');
    }
    if (temporary) throw new HubError('FORBIDDEN', 'Your password was set by the Association: choose your own with changePassword first', { reason: 'PASSWORD_CHANGE_REQUIRED' });
    return true;
  }

  private async authenticate(ctx: ExecutionContext): Promise<Principal> {
    const req = requestOf(ctx);
    const res = responseOf(ctx);
    // passport-jwt (registered by JwtStrategy) verifies signature, issuer and expiry.
    const user = await new Promise<Principal | false>((resolve) => {
      const handler = passport.authenticate('jwt', { session: false }, (err: unknown, u: Principal | false) =>
        resolve(err ? false : u),
      ) as (rq: unknown, rs: unknown, next: () => void) => void;
      handler(req, res, () => resolve(false));
    });
    if (!user) throw new HubError('UNAUTHENTICATED', 'Invalid or expired token');
    return user;
  }
}
