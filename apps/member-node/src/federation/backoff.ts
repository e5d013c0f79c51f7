/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): delay = random(0, min(cap, base * 2^attempt)). Full jitter spreads the retries
 * of many nodes coming back online at once, so the hub is not hit in waves.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 6 * 60 * 60 * 1000 };

export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 40));
  // Never zero: at least a tenth of the base, so a tight loop cannot form.
  return Math.max(Math.floor(policy.baseMs / 10), Math.floor(random() * exp));
}
