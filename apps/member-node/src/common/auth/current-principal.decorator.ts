import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestOf } from '../graphql/request-of';
import { Principal } from './principal';

/** The signed-in principal (undefined on public operations called anonymously). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => requestOf(ctx).principal,
);
