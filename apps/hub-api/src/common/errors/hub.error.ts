import { ApiError } from '@paivand/nest-common';

/** The hub's exception type: a stable code, a client-safe message, details without identifiable values (see ApiError). */
export class HubError extends ApiError {}
