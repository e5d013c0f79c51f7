import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ImportSummary } from '@paivand/schema';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { SubmissionsService } from './submissions.service';

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
  submit(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Query('dryRun') dryRun?: string): Promise<ImportSummary> {
    return this.submissions.submit(p, body, dryRun === 'true' || dryRun === '1');
  }
}
