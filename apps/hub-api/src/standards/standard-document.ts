import { checkStandardDocument as check, StandardDocumentError } from '@paivand/schema';
import type { Standard } from '@paivand/schema';
import { HubError } from '../common/errors/hub.error';

export { HUB_CODELISTS, incompatibilities } from '@paivand/schema';

/** checkStandardDocument of @paivand/schema, its refusal as the hub answers it: BAD_USER_INPUT, reason STANDARD_INVALID, the field named. */
export function checkStandardDocument(doc: unknown): Standard {
  try {
    return check(doc);
  } catch (err) {
    if (!(err instanceof StandardDocumentError)) throw err;
    throw new HubError('BAD_USER_INPUT', err.message, { reason: 'STANDARD_INVALID', fields: [{ field: err.field, messages: [err.detail] }] });
  }
}
