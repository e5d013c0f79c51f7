import { HttpException } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ApiError } from './api-error';
import { API_ERROR_CODES, ApiErrorCode } from './error-codes';
import { withoutInputValues } from './input-values';

const APOLLO_CODES: Record<string, ApiErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
};

function fromHttpStatus(status: number): ApiErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL_SERVER_ERROR';
}

/** Maps any thrown error to a stable code and a client-safe message (no stack, no internals). */
export function classifyError(original: unknown): { code: ApiErrorCode; message: string; details?: unknown } {
  if (original instanceof ApiError) return { code: original.code, message: original.message, details: original.details };
  // body-parser errors (before any route): too large, or not JSON.
  const parserType = (original as { type?: unknown } | null)?.type;
  if (parserType === 'entity.too.large') return { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' };
  if (parserType === 'entity.parse.failed') return { code: 'BAD_USER_INPUT', message: 'Malformed JSON body', details: { reason: 'MALFORMED_JSON' } };
  if (typeof parserType === 'string' && (parserType.startsWith('encoding.') || parserType === 'charset.unsupported')) return { code: 'BAD_USER_INPUT', message: 'Unsupported body encoding' };
  // any other refusal of the parser (aborted, wrong length, too many parameters): its status, a fixed message
  if (typeof parserType === 'string') {
    const status = (original as { status?: unknown }).status;
    const code = typeof status === 'number' ? fromHttpStatus(status) : 'BAD_USER_INPUT';
    return { code, message: code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : 'Request body refused' };
  }
  // Postgres refusing a character (U+0000 in text, one the encoding lacks) in a value that reached it
  // unchecked: the caller's input, not our fault. The statement failed whole; the message is fixed.
  const pgCode = (original as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ?? (original as { code?: unknown } | null)?.code;
  if (pgCode === '22021' || pgCode === '22P05') return { code: 'BAD_USER_INPUT', message: 'Invalid characters in input', details: { reason: 'INVALID_CHARACTERS' } };
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const code = fromHttpStatus(status);
    // Nest's own 404 names the path asked for, query string and all (`Cannot GET /x?variables=...`)
    if (code === 'NOT_FOUND') return { code, message: 'Not found' };
    return { code, message: code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : original.message };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

/** Apollo `formatError`: every error leaves with one of API_ERROR_CODES and without a stack trace. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  let code: ApiErrorCode;
  let message = formatted.message;
  let details: unknown;
  if (original instanceof GraphQLError || !(original instanceof Error)) {
    // Our own validation rules set an API code (e.g. QUERY_TOO_COMPLEX); Apollo relabels it, so read the original.
    const ownCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
    const rawCode = typeof ownCode === 'string' && (API_ERROR_CODES as readonly string[]).includes(ownCode) ? ownCode : formatted.extensions?.code;
    const apolloCode = typeof rawCode === 'string' ? rawCode : '';
    code =
      (API_ERROR_CODES as readonly string[]).includes(apolloCode) ? (apolloCode as ApiErrorCode) : (APOLLO_CODES[apolloCode] ?? 'BAD_USER_INPUT');
    // a message of graphql-js's own (coercion, validation) can quote an input value
    message = withoutInputValues(message);
  } else {
    ({ code, message, details } = classifyError(original));
  }
  return {
    message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code, ...(details ? { details } : {}) },
  };
}
