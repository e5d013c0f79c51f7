import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, ApiErrorDetails } from './api-error';
import { httpStatusOf } from './error-codes';
import { classifyError } from './format-graphql-error';

/** REST routes answer errors as `{ code, message, requestId }`, never with a stack trace. */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<string>() !== 'http') throw exception; // GraphQL errors go through formatError
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: unknown }>();
    const { code, message, details } = classifyError(exception);
    res.status(httpStatusOf(code)).json({ code, message, ...(details ? { details } : {}), requestId: req.id });
  }
}

/**
 * Express error middleware, installed right after the JSON body parser: an error of the
 * parser (it has a `type`, e.g. `entity.parse.failed`) becomes an ApiError here. Left alone,
 * Nest maps the parser's SyntaxError to a BadRequestException with its message, and V8's
 * message quotes the start of the body (`Unexpected token 'M', "{"query": Malika Rah"...
 * is not valid JSON`): case data in an error.
 */
export function bodyParserErrors(err: unknown, _req: unknown, _res: unknown, next: (err: unknown) => void): void {
  if (typeof (err as { type?: unknown } | null)?.type !== 'string') return next(err);
  const { code, message, details } = classifyError(err);
  next(new ApiError(code, message, details as ApiErrorDetails | undefined));
}
