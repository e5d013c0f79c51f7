import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';
import { pickEnvironment } from '@paivand/nest-common';
import { ConfigError } from '../config/hub-config';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value !== '' ? Number(value) : value);

/** The libraries' part of the environment, validated when the module boots (fail fast, naming the variable). */
export class LibraryConfig {
  /** Largest attached file, bytes (default 20 MB). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(512 * 1024 * 1024)
  LIBRARY_MAX_FILE_BYTES = 20 * 1024 * 1024;

  /** Time allowed to extract the text of one PDF, milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  LIBRARY_PDF_TIMEOUT_MS = 20_000;
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
