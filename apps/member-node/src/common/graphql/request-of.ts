import { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { Principal } from '../auth/principal';

export interface NodeRequest extends Request {
  principal?: Principal;
}

/** The HTTP request behind a REST or GraphQL call. */
export function requestOf(ctx: ExecutionContext): NodeRequest {
  if (ctx.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(ctx).getContext<{ req: NodeRequest }>().req;
  }
  return ctx.switchToHttp().getRequest<NodeRequest>();
}

export function responseOf(ctx: ExecutionContext): Response {
  if (ctx.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(ctx).getContext<{ res: Response }>().res;
  }
  return ctx.switchToHttp().getResponse<Response>();
}
