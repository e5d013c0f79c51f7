import { Transform } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/**
 * The app's variables from `env`: each `FOO` as given, else the trimmed content of the file
 * `FOO_FILE` names (Docker secrets). A file that cannot be read is the error `unreadable`
 * makes of its key and a one-line reason (the path and the system's code, never content).
 */
export function pickEnvironment(
  env: Record<string, string | undefined>,
  keys: readonly string[],
  unreadable: (key: string, reason: string) => Error,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    const file = env[`${key}_FILE`];
    if (env[key] !== undefined) picked[key] = env[key];
    else if (file) {
      try {
        picked[key] = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw unreadable(key, `${key}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return picked;
}

/** class-transformer: a variable's text as a number (an empty one stays as it is, for @IsOptional). */
export const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value !== '' ? Number(value) : value);

/** An integer variable from `min` (to `max`): read as a number (toInt), then checked as one. */
export function IntSetting(min: number, max?: number): PropertyDecorator {
  const decorators: PropertyDecorator[] = [Transform(toInt), IsInt(), Min(min), ...(max === undefined ? [] : [Max(max)])];
  return (target, key) => decorators.forEach((d) => d(target, key));
}

const YES = ['1', 'true', 'yes'];
const NO = ['', '0', 'false', 'no'];
/**
 * class-transformer: the usual spellings of yes and no as a boolean; anything else stays a string
 * and fails `@IsBoolean(BOOLEAN_VARIABLE)`, naming the variable (AUTO_APPROVE=ture is no silent false).
 */
export const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return YES.includes(v) ? true : NO.includes(v) ? false : value;
};

/** The message of `@IsBoolean` for an environment variable: its name and the spellings accepted, never its value. */
export const BOOLEAN_VARIABLE = { message: ({ property }: { property: string }): string => `${property} must be true or false (also 1/0, yes/no)` };

/**
 * TRUST_PROXY, Express's `trust proxy`: unset or no trusts no proxy (the address a request came
 * from is the peer's, and an X-Forwarded-For header is ignored, so no client picks the address the
 * sign-in limits count); a hop count (`1` behind one reverse proxy); or the proxies' addresses and
 * subnets (no wider than /8, or /7 for IPv6), comma-separated, with Express's names `loopback`,
 * `linklocal` and `uniquelocal`.
 */
export const toTrustProxy = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (NO.includes(v.toLowerCase())) return false;
  return /^\d+$/.test(v) ? Number(v) : v;
};

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(token: string): boolean {
  if (PROXY_NAMES.includes(token)) return true;
  const [address, prefix, extra] = token.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  // no wider than a /8 (IPv4) or a /7 (IPv6, the unique local range): 0.0.0.0/0 would trust every client, as `true` does
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= (family === 4 ? 8 : 7) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Validates TRUST_PROXY as `toTrustProxy` reads it; `true` (any client could name its own address) is refused. */
export function IsTrustProxy(): PropertyDecorator {
  return ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value: unknown) =>
        value === false ||
        (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10) ||
        (typeof value === 'string' && value.split(',').every((t) => isProxyAddress(t.trim()))),
      defaultMessage: (args) =>
        `${args?.property ?? "TRUST_PROXY"} must be no, a number of proxy hops (1-10), or the proxies' addresses or subnets (comma-separated; loopback, linklocal, uniquelocal); "true" would let any client name its own address`,
    },
  });
}
