import { SetMetadata } from '@nestjs/common';
import { NodeRole } from './principal';

export const ROLES_KEY = 'paivand:roles';
export const PUBLIC_KEY = 'paivand:public';

/** The roles that may call this operation. Required on every query, mutation and route. */
export const Roles = (...roles: NodeRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open to anyone, signed in or not (e.g. login, public statistics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
