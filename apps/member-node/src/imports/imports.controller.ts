import { Controller, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { toImportJobModel } from './imports.mapper';
import { ImportsService } from './imports.service';
import { ImportJobModel } from './models/import.models';

/** The file of an import, streamed as the raw request body (text/csv or the XLSX media type). */
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Roles('caseworker', 'manager')
  @Put(':id/file')
  async upload(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Req() req: Request): Promise<ImportJobModel> {
    const length = Number(req.headers['content-length']);
    return toImportJobModel(await this.imports.upload(p, id, req, Number.isFinite(length) && length > 0 ? length : null));
  }
}
