import { Controller, Get, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ParseIdPipe } from '@paivand/nest-common';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { Public, Roles } from '../../common/auth/roles.decorator';
import { HubError } from '../../common/errors/hub.error';
import { LibraryFileModel } from '../models/library-document.model';
import { LibraryFilesService } from './library-files.service';
import { LibraryUploadInterceptor, UploadedBuffer } from './upload.interceptor';

const SHA256 = /^[0-9a-f]{64}$/;

/** REST for bytes: multipart upload and authorised download (GraphQL carries the metadata). */
@Controller('library/documents/:documentId/files')
export class LibraryFilesController {
  constructor(private readonly files: LibraryFilesService) {}

  @Roles('member', 'researcher', 'association_admin')
  @Post()
  @HttpCode(201)
  @UseInterceptors(LibraryUploadInterceptor)
  upload(
    @CurrentPrincipal() p: Principal,
    @Param('documentId', ParseIdPipe) documentId: string,
    @Req() req: Request & { file?: UploadedBuffer },
  ): Promise<LibraryFileModel> {
    const file = req.file;
    if (!file) throw new HubError('BAD_USER_INPUT', 'Send one file in the multipart field "file"', { reason: 'LIBRARY_UPLOAD_MALFORMED' });
    return this.files.attach(p, documentId, { fileName: file.originalname, declaredType: file.mimetype, bytes: file.buffer });
  }

  /** Anyone may ask; the document's access level decides (anonymous callers get public documents only). */
  @Public()
  @Get(':sha256')
  async download(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('documentId', ParseIdPipe) documentId: string,
    @Param('sha256') sha256: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!SHA256.test(sha256)) throw new HubError('BAD_USER_INPUT', 'sha256 must be 64 lowercase hex digits', { reason: 'VALIDATION_FAILED' });
    const file = await this.files.download(p, documentId, sha256);
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-length', String(file.bytes.length));
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    // A public file may be cached, but not served again without asking: a document withdrawn for what it
    // held must stop being served at once (the ETag makes the question cheap).
    res.setHeader('cache-control', file.isPublic ? 'public, no-cache' : 'private, no-store');
    res.setHeader('etag', `"${sha256}"`);
    res.status(200).end(file.bytes);
  }
}
