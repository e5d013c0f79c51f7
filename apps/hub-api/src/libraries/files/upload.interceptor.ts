import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { HubError } from '../../common/errors/hub.error';
import { LibraryConfig } from '../library.config';

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
 * Reads one multipart field `file` into memory, stopping at the size limit (runs after the
 * guard, so an anonymous or unauthorised caller never gets a byte read).
 */
@Injectable()
export class LibraryUploadInterceptor implements NestInterceptor {
  private readonly upload: Middleware;

  constructor(private readonly config: LibraryConfig) {
    this.upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: config.LIBRARY_MAX_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
      // file names as UTF-8 (busboy's default is latin1: "Отчёт.pdf" was stored as mojibake)
      defParamCharset: 'utf8',
    }).single('file');
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
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
