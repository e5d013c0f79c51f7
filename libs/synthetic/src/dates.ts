const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) of an ISO date `YYYY-MM-DD`. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${iso.slice(0, 20)}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) throw new RangeError(`not a calendar date: ${iso}`);
  return Math.round(t / DAY_MS);
}

const cache = new Map<number, string>();

/** ISO date of a day number (memoized: registers reuse a few thousand days). */
export function isoDay(day: number): string {
  let s = cache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (cache.size < 100_000) cache.set(day, s);
  }
  return s;
}
