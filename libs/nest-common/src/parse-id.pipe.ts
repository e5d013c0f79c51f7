import { ArgumentMetadata, Injectable, ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from './errors/api-error';

/**
 * An id argument or route parameter that must be a UUID (any version, either case): anything
 * else is BAD_USER_INPUT with the same details as every other invalid field (the argument's
 * name, INVALID_FORMAT), instead of Nest's bare "Validation failed (uuid is expected)".
 */
@Injectable()
export class ParseIdPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    try {
      return await super.transform(value, metadata);
    } catch {
      const field = metadata.data ?? 'id';
      throw new ApiError('BAD_USER_INPUT', `Invalid input: ${field}`, {
        reason: 'VALIDATION_FAILED',
        fields: [{ field, code: 'INVALID_FORMAT', messages: [`${field} must be a UUID`] }],
      });
    }
  }
}
