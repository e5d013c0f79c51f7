import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ImportSummary } from '@paivand/schema';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { HubError } from '../common/errors/hub.error';
import { SubmissionsService } from './submissions.service';

/**
 * `?dryRun=`, given: exactly true/1 or false/0. Anything else (`yes`, empty, repeated) is refused by
 * name, as the CSV download refuses its flags: read as false, a node's validation-only send was stored.
 */
export function dryRunOf(raw: unknown): boolean {
  if (raw === undefined) return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new HubError('BAD_USER_INPUT', 'Invalid input: dryRun', {
    reason: 'VALIDATION_FAILED',
    fields: [{ field: 'dryRun', messages: ['dryRun must be true, 1, false or 0'] }],
  });
}

/**
 * REST for member nodes: POST /api/v1/submissions[?dryRun=true] with a SignedSubmission
 * body. Answers 200 with the import summary (also when its status is ERROR).
 */
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Roles('member')
  @Post()
  @HttpCode(200)
  submit(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Query('dryRun') dryRun?: unknown): Promise<ImportSummary> {
    return this.submissions.submit(p, body, dryRunOf(dryRun));
  }
}
