import { readFileSync } from 'node:fs';

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
