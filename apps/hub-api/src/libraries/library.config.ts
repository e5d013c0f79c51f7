import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IntSetting, pickEnvironment } from '@paivand/nest-common';
import { ConfigError } from '../config/hub-config';

/** The libraries' part of the environment, validated when the module boots (fail fast, naming the variable). */
export class LibraryConfig {
  /** Largest attached file, bytes (default 20 MB). */
  @IntSetting(1024, 512 * 1024 * 1024)
  LIBRARY_MAX_FILE_BYTES = 20 * 1024 * 1024;

  /**
   * Uploads read at once (each held in memory, up to LIBRARY_MAX_FILE_BYTES, until its answer): one
   * past this is refused (RATE_LIMITED) before a byte of it is read.
   */
  @IntSetting(1, 1_000)
  LIBRARY_UPLOADS_MAX = 8;

  /** Time allowed to extract the text of one PDF, milliseconds. */
  @IntSetting(100, 600_000)
  LIBRARY_PDF_TIMEOUT_MS = 20_000;

  /**
   * Memory one PDF's text extraction may add to the hub process, megabytes: a small file whose
   * streams inflate to gigabytes is stopped here (LIBRARY_PDF_TOO_COSTLY), not by the OOM killer.
   */
  @IntSetting(32, 16_384)
  LIBRARY_PDF_MAX_MEMORY_MB = 512;

  /**
   * PDFs waiting for their text extraction (one runs at a time), each held in memory meanwhile:
   * an upload past this many is refused (RATE_LIMITED, retry later) instead of queued.
   */
  @IntSetting(1, 1_000)
  LIBRARY_PDF_QUEUE_MAX = 4;
}

export function loadLibraryConfig(env: Record<string, string | undefined> = process.env): LibraryConfig {
  // FOO_FILE as for every other variable of the hub (Docker secrets and config files)
  const picked = pickEnvironment(env, Object.keys(new LibraryConfig()), (key, reason) => new ConfigError([key], `Invalid library environment:\n${reason}`));
  const config = plainToInstance(LibraryConfig, picked);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`).join('\n');
    throw new ConfigError(errors.map((e) => e.property), `Invalid library environment:\n${detail}`);
  }
  return config;
}
