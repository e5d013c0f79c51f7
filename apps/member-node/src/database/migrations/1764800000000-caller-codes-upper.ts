import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hotline caller codes are case-insensitive: the register stores them in capitals, as client
 * codes (1764400000000). Differential privacy caps each caller's contribution to a period's
 * table by her code, and `h-17` beside `H-17` was two callers, each counted up to the cap.
 * Existing codes are put in capitals (two codes that differ only in case become one caller, as
 * they always were: a caller code is not unique, so nothing can clash). Data only: the schema
 * is unchanged.
 */
export class CallerCodesUpper1764800000000 implements MigrationInterface {
  name = 'CallerCodesUpper1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE consultations SET caller_code = upper(caller_code) WHERE caller_code <> upper(caller_code)`);
  }

  async down(): Promise<void> {
    // The codes' former case is not kept: nothing to undo.
  }
}
