import { Body, Controller, Post, Res } from '@nestjs/common';
import { IsIn, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { ExportFormat, ExportsService } from './exports.service';

/** Different characters (blanks aside) an export's password must hold. */
const MIN_DISTINCT_CHARACTERS = 6;

export class ExportRegisterBody {
  @IsIn(['csv', 'xlsx'])
  format!: ExportFormat;

  /**
   * The archive's password: the centre keeps it apart from the file. The WinZip AES format derives the key
   * with 1,000 rounds of PBKDF2-SHA1, so whoever holds a copy of the file can try passwords fast, offline:
   * at least 12 characters, and at least 6 different ones (`aaaaaaaaaaaa` or 12 blanks were taken).
   */
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(256)
  @ValidateBy({
    name: 'isVariedPassword',
    validator: { validate: (v: unknown) => typeof v !== 'string' || new Set(v.replace(/\s/g, '')).size >= MIN_DISTINCT_CHARACTERS },
  }, { message: `password must hold at least ${MIN_DISTINCT_CHARACTERS} different characters besides blanks` })
  password!: string;
}

@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** The centre's own register as a password-protected (AES-256) ZIP. Managers only; logged. */
  @Roles('manager')
  @Post('register')
  async register(@CurrentPrincipal() p: Principal, @Body() body: ExportRegisterBody, @Res() res: Response): Promise<void> {
    const { fileName, stream } = await this.exports.export(p, body.format, body.password);
    res.status(200);
    res.setHeader('content-type', 'application/zip');
    res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
    res.setHeader('cache-control', 'no-store');
    await pipeline(stream, res);
  }
}
