import { randomBytes } from 'node:crypto';
import { RandomBytes } from './types';

/**
 * Exact discrete Laplace sampling after Canonne, Kamath and Steinke ("The Discrete
 * Gaussian for Differential Privacy", 2020, Algorithms 1 and 2), as OpenDP's sampler
 * pseudocode gives it: only integer and rational (BigInt) arithmetic and uniform random
 * integers from a cryptographic byte source. No floating point touches the noise, so
 * there is no floating-point leak (Mironov 2012), and never Math.random.
 */
export class ExactSampler {
  constructor(private readonly bytes: RandomBytes = randomBytes) {}

  /** Uniform integer in [0, n) by rejection sampling on whole bytes. */
  uniformBelow(n: bigint): bigint {
    if (n <= 0n) throw new RangeError('uniformBelow needs n > 0');
    if (n === 1n) return 0n;
    const bits = (n - 1n).toString(2).length;
    const nBytes = Math.ceil(bits / 8);
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      const buf = this.bytes(nBytes);
      let v = 0n;
      for (let i = 0; i < nBytes; i++) v = (v << 8n) | BigInt(buf[i]);
      v &= mask;
      if (v < n) return v;
    }
  }

  /** Bernoulli(num/den), 0 <= num <= den. */
  bernoulli(num: bigint, den: bigint): boolean {
    return this.uniformBelow(den) < num;
  }

  /** Bernoulli(exp(-num/den)) for 0 <= num/den <= 1 (CKS Algorithm 1, inner loop). */
  bernoulliExp1(num: bigint, den: bigint): boolean {
    let k = 1n;
    while (this.bernoulli(num, den * k)) k++;
    return k % 2n === 1n;
  }

  /** Bernoulli(exp(-num/den)) for num/den >= 0. */
  bernoulliExp(num: bigint, den: bigint): boolean {
    let x = num;
    while (x > den) {
      if (!this.bernoulliExp1(1n, 1n)) return false;
      x -= den;
    }
    return this.bernoulliExp1(x, den);
  }

  /**
   * Discrete Laplace with scale t/s (P(z) proportional to exp(-|z| s / t)), t, s > 0
   * integers (CKS Algorithm 2).
   */
  discreteLaplace(t: bigint, s: bigint): bigint {
    if (t <= 0n || s <= 0n) throw new RangeError('discrete Laplace needs a positive rational scale');
    for (;;) {
      const u = this.uniformBelow(t);
      if (!this.bernoulliExp(u, t)) continue;
      let v = 0n;
      while (this.bernoulliExp1(1n, 1n)) v++;
      const y = (u + t * v) / s;
      const negative = this.bernoulli(1n, 2n);
      if (negative && y === 0n) continue;
      return negative ? -y : y;
    }
  }
}

/** Exact rational of a finite non-negative double (every double is a dyadic rational). */
export function toRational(x: number): [bigint, bigint] {
  if (!Number.isFinite(x) || x < 0) throw new RangeError('expected a finite non-negative number');
  let den = 1n;
  let v = x;
  let steps = 0;
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
    if (++steps > 1100) throw new RangeError('not representable');
  }
  const num = BigInt(v);
  const g = gcd(num, den);
  return [num / g, den / g];
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** Variance of the discrete Laplace with scale b: 2q / (1 - q)^2, q = exp(-1/b). For tests and reports. */
export function discreteLaplaceVariance(scale: number): number {
  const q = Math.exp(-1 / scale);
  return (2 * q) / (1 - q) ** 2;
}
