import { BOOLEAN_VARIABLE, IntSetting, IsTrustProxy, pickEnvironment, toBool, toTrustProxy } from '@paivand/nest-common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MinLength, validateSync } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The hub's environment, validated at boot (fail fast, naming the bad variable). */
export class HubConfig {
  /** External Postgres; when absent the hub starts an embedded one (development and demo). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_PG_DIR?: string;

  @IntSetting(0, 65535)
  PORT = 3000;

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  /** Lifetime of access tokens (users and nodes), seconds. */
  @IntSetting(60, 86_400)
  JWT_TTL_SECONDS = 900;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Comma-separated allowed browser origins; empty means no cross-origin access. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** The reverse proxies in front of the app, whose X-Forwarded-For is believed (see toTrustProxy); none by default. */
  @Transform(toTrustProxy)
  @IsTrustProxy()
  TRUST_PROXY: boolean | number | string = false;

  /** Run pending migrations at boot (demo and tests); production runs `npm run hub:migrate`. */
  @Transform(toBool)
  @IsBoolean(BOOLEAN_VARIABLE)
  MIGRATIONS_RUN = false;

  /** Write the GraphQL SDL to this path at boot (used to regenerate the committed schema.gql). */
  @IsOptional()
  @IsString()
  GRAPHQL_SCHEMA_FILE?: string;

  /** Largest request body accepted, bytes. */
  @IntSetting(1024)
  MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** Requests per minute per account (or per IP when anonymous). */
  @IntSetting(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /**
   * Membership applications stored per client address (per account when signed in) in 24 hours;
   * the Association's coordinators are not counted. `applyForMembership` is open to anyone.
   */
  @IntSetting(1)
  APPLICATIONS_PER_DAY = 5;

  /** Undecided applications the hub holds at most; more wait until the coordinator admits or refuses some. */
  @IntSetting(1)
  MAX_OPEN_APPLICATIONS = 200;
}

export class ConfigError extends Error {
  constructor(readonly variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadHubConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  const known = Object.keys(new HubConfig());
  // Docker secrets: FOO_FILE names a file holding FOO.
  const picked = pickEnvironment(env, [...known, 'DATABASE_URL', 'EMBEDDED_PG_DIR', 'JWT_SECRET', 'CORS_ORIGINS', 'GRAPHQL_SCHEMA_FILE'], (key, reason) => new ConfigError([key], `Invalid hub environment:\n${reason}`));
  const config = plainToInstance(HubConfig, picked);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const names = errors.map((e) => e.property);
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`).join('\n');
    throw new ConfigError(names, `Invalid hub environment:\n${detail}`);
  }
  return config;
}
