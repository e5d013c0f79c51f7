import { ApiErrorCode } from './error-codes';

/** Structured details of an error: field names and coded reasons, never identifiable values. */
export type ApiErrorDetails = { reason?: string; fields?: { field: string; code?: string; messages: string[] }[] } & Record<string, unknown>;

/**
 * The one exception type of both APIs (each app names its own subclass: HubError,
 * NodeError): a stable code, a message safe to show a client, and optional structured
 * details. Features pass a feature-specific `reason` (e.g. MEMBER_NOT_ADMITTED) for
 * clients that need more than the code.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
