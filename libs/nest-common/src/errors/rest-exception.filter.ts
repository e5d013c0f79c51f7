import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
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
