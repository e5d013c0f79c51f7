import { BOOLEAN_VARIABLE, IntSetting, IsTrustProxy, pickEnvironment, toBool, toTrustProxy } from '@paivand/nest-common';
import { plainToInstance, Transform } from 'class-transformer';
import { NodeSigningKey } from '../federation/signing-key';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MinLength, validateSync } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `id:<base64 of 32 bytes>` entries separated by commas; the first is the current key. */
export const KEY_RING_PATTERN = /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/]{43}=)*$/;

/** The member node's environment, validated at boot (fail fast, naming the bad variable, never echoing a secret). */
export class NodeConfig {
  /** External Postgres; when absent the node starts an embedded one (development and demo). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_PG_DIR?: string;

  /** The centre this node serves (the member id it has at the hub, or a local code). */
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'CENTRE_ID must be 1-64 letters, digits, - or _' })
  CENTRE_ID!: string;

  @IntSetting(0, 65535)
  PORT = 3100;

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  @IntSetting(60, 86_400)
  JWT_TTL_SECONDS = 3600;

  /** Field-encryption key ring, e.g. `k2:<base64 32 bytes>,k1:<base64 32 bytes>`; the first encrypts. */
  @IsString()
  @Matches(KEY_RING_PATTERN, { message: 'NODE_ENCRYPTION_KEYS must be id:<base64 of 32 bytes>[,id:<base64>...]' })
  NODE_ENCRYPTION_KEYS!: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** The reverse proxies in front of the app, whose X-Forwarded-For is believed (see toTrustProxy); none by default. */
  @Transform(toTrustProxy)
  @IsTrustProxy()
  TRUST_PROXY: boolean | number | string = false;

  /** Run pending migrations at boot (demo and tests); production runs `npm run node:migrate`. */
  @Transform(toBool)
  @IsBoolean(BOOLEAN_VARIABLE)
  MIGRATIONS_RUN = false;

  /** Write the GraphQL SDL to this path at boot (`npm run node:schema`). */
  @IsOptional()
  @IsString()
  GRAPHQL_SCHEMA_FILE?: string;

  @IntSetting(1024)
  MAX_BODY_BYTES = 1024 * 1024;

  /** Largest register file accepted for import, bytes. */
  @IntSetting(1024)
  MAX_IMPORT_BYTES = 200 * 1024 * 1024;

  /**
   * Requests per minute per staff account (per IP when signed out), as on the hub: a script run
   * away, or an account in the wrong hands reading case after case, is slowed to this pace.
   */
  @IntSetting(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Failed sign-ins per account (and, times four, per IP) within the window before a lockout. */
  @IntSetting(1)
  LOGIN_MAX_FAILURES = 5;

  @IntSetting(1)
  LOGIN_LOCKOUT_SECONDS = 900;

  // --- federation: releases, outbox, standard sync (apps/member-node/README.md, "Releases and the federation") ---

  /** The hub's base URL (https://hub.example.tj); absent: releases are prepared but nothing is pushed. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'HUB_URL must be an http(s) URL' })
  HUB_URL?: string;

  /** Node credentials issued by the hub at admission. */
  @IsOptional()
  @IsString()
  HUB_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  // The hub issues and accepts secrets of at least 16 characters.
  @MinLength(16, { message: 'HUB_CLIENT_SECRET is too short (the hub issues at least 16 characters)' })
  HUB_CLIENT_SECRET?: string;

  /** The node's Ed25519 private key (PKCS#8 PEM or base64 DER); its public key is registered at the hub. */
  @IsOptional()
  @IsString()
  NODE_SIGNING_KEY?: string;

  /** The member id at the hub (default: CENTRE_ID). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'MEMBER_ID must be 1-64 letters, digits, - or _' })
  MEMBER_ID?: string;

  /** Approve every prepared release without a manager (the centre's choice). */
  @Transform(toBool)
  @IsBoolean(BOOLEAN_VARIABLE)
  AUTO_APPROVE = false;

  /** Run the scheduled jobs (release preparation, outbox pusher, standard sync); the CLI turns them off. */
  @Transform(toBool)
  @IsBoolean(BOOLEAN_VARIABLE)
  FEDERATION_JOBS = true;

  /** How often the node looks for closed periods and late entries. */
  @IntSetting(1000)
  RELEASE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

  /** How many months back the release job looks for periods to release or revise. */
  @IntSetting(1, 120)
  RELEASE_LOOKBACK_MONTHS = 24;

  @IntSetting(50)
  OUTBOX_PUSH_INTERVAL_MS = 30_000;

  /** Exponential backoff with full jitter between push attempts: base and cap. */
  @IntSetting(10)
  OUTBOX_BACKOFF_BASE_MS = 2_000;

  @IntSetting(10)
  OUTBOX_BACKOFF_CAP_MS = 6 * 60 * 60 * 1000;

  @IntSetting(1000)
  STANDARD_SYNC_INTERVAL_MS = 6 * 60 * 60 * 1000;
}

export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const OPTIONAL_KEYS = ['DATABASE_URL', 'EMBEDDED_PG_DIR', 'CENTRE_ID', 'JWT_SECRET', 'NODE_ENCRYPTION_KEYS', 'CORS_ORIGINS', 'GRAPHQL_SCHEMA_FILE', 'HUB_URL', 'HUB_CLIENT_ID', 'HUB_CLIENT_SECRET', 'NODE_SIGNING_KEY', 'MEMBER_ID'];

export function loadNodeConfig(env: Record<string, string | undefined> = process.env): NodeConfig {
  const known = Object.keys(new NodeConfig());
  // Docker secrets: FOO_FILE names a file holding FOO.
  const picked = pickEnvironment(env, [...known, ...OPTIONAL_KEYS], (key, reason) => new ConfigError([key], `Invalid member-node environment:\n${reason}`));
  const config = plainToInstance(NodeConfig, picked);
  const errors = validateSync(config, { whitelist: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const names = errors.map((e) => e.property);
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`).join('\n');
    throw new ConfigError(names, `Invalid member-node environment:\n${detail}`);
  }
  // The signing key is read here, not when the first release is signed: a key that is no key stops
  // the node at start, by name, instead of an approval failing later.
  if (config.NODE_SIGNING_KEY) {
    try {
      NodeSigningKey.fromPrivateKey(config.NODE_SIGNING_KEY);
    } catch {
      throw new ConfigError(['NODE_SIGNING_KEY'], 'Invalid member-node environment:\nNODE_SIGNING_KEY: not an Ed25519 private key (PKCS#8 PEM, or base64 of its DER)');
    }
  }
  return config;
}
