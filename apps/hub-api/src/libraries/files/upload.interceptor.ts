import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ParseIdPipe } from '@paivand/nest-common';
import type { Request, Response } from 'express';
import { finished } from 'node:stream';
import { Observable } from 'rxjs';
import type { Principal } from '../../common/auth/principal';
import { HubError } from '../../common/errors/hub.error';
import type { HubRequest } from '../../common/graphql/request-of';
import { LibraryConfig } from '../library.config';
import { LibraryFilesService } from './library-files.service';

interface MulterError extends Error {
  code: string;
}
type Middleware = (req: Request, res: Response, next: (err?: unknown) => void) => void;
interface Multer {
  (opts: { storage: unknown; limits: Record<string, number>; defParamCharset?: string }): { single(field: string): Middleware };
  memoryStorage(): unknown;
}
// multer ships with @nestjs/platform-express but without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const multer = require('multer') as Multer;

export interface UploadedBuffer {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/**
 * Reads one multipart field `file` into memory, stopping at the size limit. Runs after the
 * guard (an anonymous or unauthorised caller never gets a byte read), and reads nothing either
 * for a document id that is no UUID, a document the caller may not attach to, or while
 * LIBRARY_UPLOADS_MAX other uploads are held in memory (RATE_LIMITED): the checks the
 * handler makes again cost a query, not twenty megabytes per request.
 */
@Injectable()
export class LibraryUploadInterceptor implements NestInterceptor {
  private readonly upload: Middleware;
  private readonly ids = new ParseIdPipe();
  private inFlight = 0;

  constructor(
    private readonly config: LibraryConfig,
    private readonly files: LibraryFilesService,
  ) {
    this.upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: config.LIBRARY_MAX_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
      // file names as UTF-8 (busboy's default is latin1: "Отчёт.pdf" was stored as mojibake)
      defParamCharset: 'utf8',
    }).single('file');
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<HubRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const documentId = await this.ids.transform(String(req.params.documentId), { type: 'param', data: 'documentId' });
    await this.files.assertMayAttach(req.principal as Principal, documentId);
    if (this.inFlight >= this.config.LIBRARY_UPLOADS_MAX) {
      throw new HubError('RATE_LIMITED', 'The hub is receiving other files; upload this one again in a minute', { reason: 'LIBRARY_UPLOADS_BUSY' });
    }
    // counted until the answer has gone (the bytes live as long as the request); `finished` also calls back for a
    // connection the client already dropped during the checks above (neither 'close' nor 'finish' would come again)
    this.inFlight++;
    finished(res, () => this.inFlight--);
    await new Promise<void>((resolve, reject) =>
      this.upload(req, res, (err) => (err ? reject(this.toHubError(err)) : resolve())),
    );
    return next.handle();
  }

  private toHubError(err: unknown): HubError {
    const code = (err as MulterError).code;
    if (code === 'LIMIT_FILE_SIZE') {
      return new HubError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${this.config.LIBRARY_MAX_FILE_BYTES} bytes`, {
        reason: 'LIBRARY_FILE_TOO_LARGE',
        limitBytes: this.config.LIBRARY_MAX_FILE_BYTES,
      });
    }
    return new HubError('BAD_USER_INPUT', 'Send one file in the multipart field "file"', { reason: 'LIBRARY_UPLOAD_MALFORMED', multer: code ?? 'unknown' });
  }
}
