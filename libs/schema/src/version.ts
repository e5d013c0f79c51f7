/** The version of the Association's standard that this code implements. */
export const SCHEMA_VERSION = '2026.1';

/**
 * Orders versions of the standard (`2026.1` < `2026.2` < `2026.10` < `2027.1`) number by number:
 * negative when a is earlier than b, 0 when they are the same, positive when a is later.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
