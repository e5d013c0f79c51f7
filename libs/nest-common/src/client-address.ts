import { isIPv4, isIPv6 } from 'node:net';

/**
 * The source a request is counted against by the request rate, the sign-in limits and the
 * limit on membership applications: an IPv4 address as it is, an IPv6 address by its /64
 * prefix. One IPv6 host normally holds a whole /64 (SLAAC, privacy addresses) and can send
 * each request from a new address of it; counted by the full address, one host would get
 * 2^64 allowances. An IPv4 address mapped into IPv6 (`::ffff:198.51.100.7`, what a dual-stack
 * socket reports) is the IPv4 address. Anything else (no address at all) is `unknown`.
 */
export function sourceAddress(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.replace(/%.*$/, ''); // a zone (fe80::1%eth0) names the local interface, not the host
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return 'unknown';
  const mapped = /^(?:0{0,4}:){0,5}ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare.replace(/^::/, '0::'));
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, lower case without leading zeros (an embedded IPv4 tail as two groups). */
function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (s: string | undefined): string[] => {
    if (!s) return [];
    return s.split(':').flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const h = groups(head);
  const t = groups(tail);
  const middle = tail === undefined ? [] : Array.from({ length: 8 - h.length - t.length }, () => '0');
  return [...h, ...middle, ...t].map((g) => parseInt(g, 16).toString(16));
}
