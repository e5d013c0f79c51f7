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
