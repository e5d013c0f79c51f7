import { SetMetadata } from '@nestjs/common';
import { HubRole } from './principal';

export const ROLES_KEY = 'paivand:roles';
export const PUBLIC_KEY = 'paivand:public';

/** The roles that may call this operation. Required on every query, mutation and route. */
export const Roles = (...roles: HubRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open to anyone, signed in or not (e.g. login, public statistics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export const TEMPORARY_PASSWORD_KEY = 'paivand:temporary-password';

/**
 * Open to a session whose password the Association set (a new account, a reset) before its holder
 * has chosen her own: changing it, reading who she is. Every other operation refuses such a session
 * (FORBIDDEN, reason PASSWORD_CHANGE_REQUIRED).
 */
export const AllowTemporaryPassword = (): MethodDecorator & ClassDecorator => SetMetadata(TEMPORARY_PASSWORD_KEY, true);
