import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const ACCEPTED = /^[\w-]{1,64}$/;

/**
 * The request's id: the caller's `x-request-id` when it is a plain token, else a new UUID;
 * echoed in the response header and kept on `req.id`. Assigned once, by the first of its
 * two callers: the middleware the app factories install before the body parser (so a body
 * refused as malformed or too large still answers with its id), and pino-http's `genReqId`.
 */
export function assignRequestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  req.id = id;
  return id;
}

/** Express-style middleware for `assignRequestId`. */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  assignRequestId(req, res);
  next();
}

/**
 * What a request log line keeps of a request and its response, for pino-http's `serializers`:
 * the request id, the method, the path without its query string (a GraphQL GET carries the
 * operation and its variables there, case data included) and the status. Never the body,
 * the query, the headers (tokens, cookies) or the client's address.
 */
export const REQUEST_LOG_SERIALIZERS = {
  req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};
