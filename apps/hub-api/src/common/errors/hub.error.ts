import { HubErrorCode } from './error-codes';

/**
 * The one exception type of the hub: a stable code, a message safe to show a client,
 * and optional structured details (field names, never identifiable values).
 * Features pass a feature-specific `reason` (e.g. MEMBER_NOT_ADMITTED) for clients that
 * need more than the code.
 */
export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly details?: { reason?: string; fields?: { field: string; messages: string[] }[] } & Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HubError';
  }
}
