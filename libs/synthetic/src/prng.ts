/**
 * A small seeded PRNG (mulberry32) with the draws the generator needs. Deterministic for
 * a seed on every platform; never `Math.random`. Not for anything secret.
 */
export class Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
    // Warm up so that nearby seeds diverge at once.
    for (let i = 0; i < 4; i++) this.nextUint32();
  }

  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A derived generator for an independent stream (e.g. one per centre). */
  fork(label: string): Rng {
    return new Rng((this.nextUint32() ^ hashSeed(label)) >>> 0);
  }
}

/** FNV-1a over the UTF-16 code units, then a murmur finalizer. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A weighted choice prepared once and drawn many times (binary search over cumulative weights). */
export class Weighted<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(weights: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [item, w] of weights) {
      if (!(w >= 0)) throw new RangeError('weights must be non-negative');
      if (w === 0) continue;
      sum += w;
      this.items.push(item);
      this.cumulative.push(sum);
    }
    if (sum <= 0) throw new RangeError('at least one weight must be positive');
    this.total = sum;
  }

  draw(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
