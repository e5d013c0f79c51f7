import { NodeErrorCode } from './error-codes';

/**
 * The one exception type of the member node: a stable code, a message safe to show a client,
 * and optional structured details (field names, never identifiable values).
 * Features pass a feature-specific `reason` (e.g. MEMBER_NOT_ADMITTED) for clients that
 * need more than the code.
 */
export class NodeError extends Error {
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    readonly details?: { reason?: string; fields?: { field: string; code?: string; messages: string[] }[] } & Record<string, unknown>,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}
