import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { RateLimiter, sourceAddress } from '@paivand/nest-common';
import { NodeConfig } from '../../config/node-config';
import { AccessLogService } from '../../access-log/access-log.service';
import { NodeError } from '../errors/node.error';
import { requestOf, responseOf } from '../graphql/request-of';
import { NodeRole, Principal } from './principal';
import { PUBLIC_KEY, ROLES_KEY, TEMPORARY_PASSWORD_KEY } from './roles.decorator';
import { StaffStatusCache } from './staff-status.cache';

/**
 * Global guard, deny by default: an operation without @Roles or @Public is refused.
 * No or bad token (or a deactivated account) -> UNAUTHENTICATED; a valid token without the role -> FORBIDDEN;
 * a session on a password the admin set, outside @AllowTemporaryPassword -> FORBIDDEN (PASSWORD_CHANGE_REQUIRED).
 */
@Injectable()
export class NodeAuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly staffStatus: StaffStatusCache,
    private readonly accessLog: AccessLogService,
    config: NodeConfig,
  ) {
    this.limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
    const roles = this.reflector.getAllAndOverride<NodeRole[] | undefined>(ROLES_KEY, targets);
    const req = requestOf(ctx);
    const hasToken = typeof req.headers.authorization === 'string' && req.headers.authorization.length > 0;

    if (hasToken) {
      req.principal = await this.authenticate(ctx);
    }
    // A session on a password the centre admin set may change it and little else; an operation open to anyone
    // it may call as anyone may, signed out (no view a role would give it).
    const temporary = req.principal?.mustChangePassword === true && this.reflector.getAllAndOverride<boolean | undefined>(TEMPORARY_PASSWORD_KEY, targets) !== true;
    if (temporary && isPublic) req.principal = undefined;
    // per staff account, per IP when signed out (sign-in attempts have their own, stricter limit)
    const who = req.principal ? `staff:${req.principal.id}` : `ip:${sourceAddress(req.ip)}`;
    if (!this.limiter.take(who)) throw new NodeError('RATE_LIMITED', 'Too many requests; retry in a minute');
    if (isPublic) return true;
    if (!roles || roles.length === 0) {
      throw new NodeError('FORBIDDEN', 'This operation admits no role');
    }
    if (!req.principal) throw new NodeError('UNAUTHENTICATED', 'Sign in first');
    if (!roles.includes(req.principal.role)) {
      // a signed-in account trying what its role may not (a centre admin opening a case): written to the access log
      await this.accessLog.recordAttempt(req.principal, 'access.denied', 'operation', ctx.getHandler().name.slice(0, 64));
      throw new NodeError('FORBIDDEN', 'Your role may not perform this operation');
    }
    if (temporary) throw new NodeError('FORBIDDEN', 'Your password was set by the centre admin: choose your own with changeMyPassword first', { reason: 'PASSWORD_CHANGE_REQUIRED' });
    return true;
  }

  private async authenticate(ctx: ExecutionContext): Promise<Principal> {
    const req = requestOf(ctx);
    const res = responseOf(ctx);
    const user = await new Promise<Principal | false>((resolve) => {
      const handler = passport.authenticate('node-jwt', { session: false }, (err: unknown, u: Principal | false) =>
        resolve(err ? false : u),
      ) as (rq: unknown, rs: unknown, next: () => void) => void;
      handler(req, res, () => resolve(false));
    });
    if (!user) throw new NodeError('UNAUTHENTICATED', 'Invalid or expired token');
    // A leaver's token stops working at once, and a role change takes effect at once.
    const current = await this.staffStatus.current(user.id);
    if (!current?.active || current.role !== user.role) throw new NodeError('UNAUTHENTICATED', 'Account deactivated or changed; sign in again');
    // A password reset ends the sessions signed in with the old password.
    if (user.passwordVersion !== current.passwordChangedAt) throw new NodeError('UNAUTHENTICATED', 'The password was changed; sign in again');
    return { ...user, mustChangePassword: current.mustChangePassword };
  }
}
