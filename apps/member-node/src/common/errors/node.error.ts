import { ApiError } from '@paivand/nest-common';

/** The member node's exception type: a stable code, a client-safe message, details without identifiable values (see ApiError). */
export class NodeError extends ApiError {}
