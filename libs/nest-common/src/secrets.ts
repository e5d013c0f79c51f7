import { hash, verify } from '@node-rs/argon2';

/** Passwords and client secrets of both apps. Argon2id (memory-hard), OWASP's minimum profile: 19 MiB, 2 passes. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, OPTIONS);
}

export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/** A hash to verify against when the account does not exist, so timing does not tell (computed once, on first use). */
export function dummyHash(): Promise<string> {
  dummy ??= hashSecret('paivand-dummy-secret-for-timing');
  return dummy;
}
