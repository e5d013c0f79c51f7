import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelayMs: exponential backoff with full jitter', () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };

  it('doubles the ceiling with every attempt up to the cap', () => {
    const top = (attempt: number): number => backoffDelayMs(attempt, policy, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(top)).toEqual([999, 1_999, 3_999, 7_999, 15_999, 31_999, 59_999, 59_999]);
    expect(top(1_000)).toBe(59_999);
    expect(backoffDelayMs(1_000, DEFAULT_BACKOFF, () => 0.999_999)).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
  });

  it('never returns less than a tenth of the base, so retries cannot spin', () => {
    expect(backoffDelayMs(0, policy, () => 0)).toBe(100);
    expect(backoffDelayMs(9, policy, () => 0)).toBe(100);
  });

  it('spreads the retries of many nodes over the whole window (full jitter)', () => {
    const draws = Array.from({ length: 2_000 }, () => backoffDelayMs(5, policy));
    for (const d of draws) expect(d >= 100 && d < 32_000).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    // uniform over [0, 32 s): mean 16 s; a tenth of the draws in each tenth of the window
    expect(mean).toBeGreaterThan(14_500);
    expect(mean).toBeLessThan(17_500);
    for (let tenth = 0; tenth < 10; tenth++) {
      const n = draws.filter((d) => d >= tenth * 3_200 && d < (tenth + 1) * 3_200).length;
      expect(n).toBeGreaterThan(120);
    }
  });
});
