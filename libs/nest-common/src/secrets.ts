import { hash, verify } from '@node-rs/argon2';
import { ApiError } from './errors/api-error';

/** Passwords and client secrets of both apps. Argon2id (memory-hard), OWASP's minimum profile: 19 MiB, 2 passes. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, OPTIONS);
}

/**
 * Secret checks running or waiting at once in one process (each costs some 20 ms of a core and 19 MiB):
 * one more is refused at once (RATE_LIMITED) instead of queueing behind the others. Sign-in endpoints
 * are open to anyone, and a flood of them (wrong secrets, unknown client ids, which are checked against
 * a dummy hash) would otherwise make every sign-in wait seconds; a burst of 20 nodes fetching tokens
 * together stays well under it.
 */
export const MAX_PENDING_SECRET_CHECKS = 64;
let pendingChecks = 0;

/**
 * Refuses at once (RATE_LIMITED, SIGN_IN_BUSY) when no secret check could start now. Sign-ins call it before they
 * count an attempt: a refusal for load is no wrong password, and must not bring a user nearer to a lockout.
 */
export function assertSecretCheckCapacity(): void {
  if (pendingChecks >= MAX_PENDING_SECRET_CHECKS) {
    throw new ApiError('RATE_LIMITED', 'Too many sign-ins at once; retry in a few seconds', { reason: 'SIGN_IN_BUSY' });
  }
}

export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  assertSecretCheckCapacity();
  pendingChecks++;
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  } finally {
    pendingChecks--;
  }
}

let dummy: Promise<string> | undefined;

/** A hash to verify against when the account does not exist, so timing does not tell (computed once, on first use). */
export function dummyHash(): Promise<string> {
  dummy ??= hashSecret('paivand-dummy-secret-for-timing');
  return dummy;
}
