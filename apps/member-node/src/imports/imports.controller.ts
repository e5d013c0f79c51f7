import { Controller, Param, Put, Req } from '@nestjs/common';
import { ParseIdPipe } from '@paivand/nest-common';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { NodeError } from '../common/errors/node.error';
import { toImportJobModel } from './imports.mapper';
import { ImportsService } from './imports.service';
import { ImportJobModel } from './models/import.models';

/**
 * Media types the app's body parsers may have read before the route (the global JSON parser),
 * or that wrap the file in an envelope (a form): the body is not the raw file.
 */
const NOT_A_RAW_FILE = ['json', '+json', 'multipart/*', 'application/x-www-form-urlencoded'];

/** The file of an import, streamed as the raw request body (text/csv or the XLSX media type). */
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Roles('caseworker', 'manager')
  @Put(':id/file')
  async upload(@CurrentPrincipal() p: Principal, @Param('id', ParseIdPipe) id: string, @Req() req: Request): Promise<ImportJobModel> {
    // Refused before the job is claimed: it stays waiting for its file, to be sent again as it should be.
    if (req.is(NOT_A_RAW_FILE)) {
      throw new NodeError('BAD_USER_INPUT', 'Send the file itself as the request body (text/csv or the XLSX media type), not JSON or a form', {
        reason: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    const length = Number(req.headers['content-length']);
    return toImportJobModel(await this.imports.upload(p, id, req, Number.isFinite(length) && length > 0 ? length : null));
  }
}
