import { Cipher, createCipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM over many values at once, byte for byte what `createCipheriv('aes-256-gcm')`
 * produces for the same key, nonce and additional data (NIST SP 800-38D with a 96-bit
 * nonce). Why: `createCipheriv` costs ~3 µs per value before any byte is encrypted (a key
 * schedule and GHASH key per call), which at six sealed fields per import row was the
 * largest part of an import. Here the block cipher still runs in OpenSSL, once per batch
 * (GCM's counter mode is AES of counter blocks, so all counter blocks of all values go
 * through one AES-ECB call), and GHASH, GCM's polynomial MAC, runs in JavaScript with
 * a table of products per byte position (its lookups depend on the data, as in OpenSSL's
 * own table-driven GHASH on processors without a carry-less multiply; the table never
 * leaves this process). Decryption stays OpenSSL's `createDecipheriv`, which checks every
 * tag made here; `GcmBatchCipher.selfTest` compares both implementations, and KeyRing
 * falls back to one OpenSSL call per value if they ever disagree.
 */

const NONCE = 12;
const TAG = 16;
/** Bytes before the ciphertext in a sealed value: nonce | tag. */
export const SEALED_HEADER = NONCE + TAG;
const ZERO_BLOCK = new Uint8Array(16);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** `c` as an Int32Array element whose bytes in memory are `c` big-endian (a GCM counter). */
const bigEndian = (c: number): number => (LITTLE_ENDIAN ? ((c & 0xff) << 24) | ((c & 0xff00) << 8) | ((c >>> 8) & 0xff00) | (c >>> 24) : c | 0);
const BIG_ENDIAN_1 = bigEndian(1);

/** v · α in GCM's bit order (bit 0 is the most significant bit of byte 0): a right shift, reduced by x^128 + x^7 + x^2 + x + 1. */
function timesAlpha(v: readonly number[]): number[] {
  const carry = v[3] & 1;
  const r = [v[0] >>> 1, ((v[1] >>> 1) | (v[0] << 31)) >>> 0, ((v[2] >>> 1) | (v[1] << 31)) >>> 0, ((v[3] >>> 1) | (v[2] << 31)) >>> 0];
  if (carry) r[0] = (r[0] ^ 0xe1000000) >>> 0;
  return r;
}

/** REDUCE[b]: what the byte `b` shifted out of the low end by `· α^8` adds to the high word. */
const REDUCE = new Int32Array(256);
for (let b = 0; b < 256; b++) {
  let v = [0, 0, 0, b];
  for (let i = 0; i < 8; i++) v = timesAlpha(v);
  REDUCE[b] = v[0] | 0;
}

export class GcmBatchCipher {
  private readonly ecb: Cipher;
  /**
   * Multiplication by H as sixteen lookups: for byte position k (0 = the most significant
   * byte of a block) and byte value b, entry [k][b] is b·α^(8k)·H as four 32-bit words
   * (b's top bit is α^0). 64 KiB per key; a block's product is the XOR of one entry per byte.
   */
  private readonly table = new Int32Array(16 * 256 * 4);
  /** GHASH state after the (zero-padded) additional data, per AAD: AADs are column names, few and fixed. */
  private readonly aadStates = new Map<string, { state: Int32Array; bits: number }>();
  private readonly y = new Int32Array(4);

  constructor(key: Buffer) {
    this.ecb = createCipheriv('aes-256-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const h = this.ecb.update(Buffer.alloc(16));
    const t = this.table;
    // Position 0: b·H, built from the single bits (H·α^j for the bit worth α^j), then by linearity.
    let v = [h.readUInt32BE(0), h.readUInt32BE(4), h.readUInt32BE(8), h.readUInt32BE(12)];
    for (let bit = 0x80; bit >= 1; bit >>= 1) {
      for (let w = 0; w < 4; w++) t[bit * 4 + w] = v[w] | 0;
      v = timesAlpha(v);
    }
    for (let hi = 2; hi < 256; hi <<= 1) {
      for (let lo = 1; lo < hi; lo++) for (let w = 0; w < 4; w++) t[(hi + lo) * 4 + w] = t[hi * 4 + w] ^ t[lo * 4 + w];
    }
    // Position k + 1: position k's entries times α^8 (a shift by one byte, reduced).
    for (let k = 1; k < 16; k++) {
      for (let b = 0; b < 256; b++) {
        const from = (((k - 1) << 8) | b) << 2;
        const to = ((k << 8) | b) << 2;
        const low = t[from + 3] & 0xff;
        t[to] = (t[from] >>> 8) ^ REDUCE[low];
        t[to + 1] = (t[from + 1] >>> 8) | (t[from] << 24);
        t[to + 2] = (t[from + 2] >>> 8) | (t[from + 1] << 24);
        t[to + 3] = (t[from + 3] >>> 8) | (t[from + 2] << 24);
      }
    }
  }

  /** Folds bytes [start, end) of `buf` (the last block zero-padded) into the GHASH state `this.y`. */
  private ghash(buf: Uint8Array, start: number, end: number): void {
    const t = this.table;
    let y0 = this.y[0];
    let y1 = this.y[1];
    let y2 = this.y[2];
    let y3 = this.y[3];
    for (let o = start; o < end; o += 16) {
      if (o + 16 <= end) {
        y0 ^= (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
        y1 ^= (buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7];
        y2 ^= (buf[o + 8] << 24) | (buf[o + 9] << 16) | (buf[o + 10] << 8) | buf[o + 11];
        y3 ^= (buf[o + 12] << 24) | (buf[o + 13] << 16) | (buf[o + 14] << 8) | buf[o + 15];
      } else {
        for (let i = o; i < end; i++) {
          const b = buf[i] << (24 - 8 * ((i - o) & 3));
          const w = (i - o) >> 2;
          if (w === 0) y0 ^= b;
          else if (w === 1) y1 ^= b;
          else if (w === 2) y2 ^= b;
          else y3 ^= b;
        }
      }
      // y = y · H: one table entry per byte of y.
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let w = 0; w < 4; w++) {
        const x = w === 0 ? y0 : w === 1 ? y1 : w === 2 ? y2 : y3;
        const k = w << 10; // byte position 4w, as a table offset
        let i = (k | (x >>> 24)) << 2;
        z0 ^= t[i];
        z1 ^= t[i + 1];
        z2 ^= t[i + 2];
        z3 ^= t[i + 3];
        i = ((k + 256) | ((x >>> 16) & 0xff)) << 2;
        z0 ^= t[i];
        z1 ^= t[i + 1];
        z2 ^= t[i + 2];
        z3 ^= t[i + 3];
        i = ((k + 512) | ((x >>> 8) & 0xff)) << 2;
        z0 ^= t[i];
        z1 ^= t[i + 1];
        z2 ^= t[i + 2];
        z3 ^= t[i + 3];
        i = ((k + 768) | (x & 0xff)) << 2;
        z0 ^= t[i];
        z1 ^= t[i + 1];
        z2 ^= t[i + 2];
        z3 ^= t[i + 3];
      }
      y0 = z0;
      y1 = z1;
      y2 = z2;
      y3 = z3;
    }
    this.y[0] = y0;
    this.y[1] = y1;
    this.y[2] = y2;
    this.y[3] = y3;
  }

  private aadState(aad: string): { state: Int32Array; bits: number } {
    let s = this.aadStates.get(aad);
    if (!s) {
      const bytes = Buffer.from(aad, 'utf8');
      this.y.fill(0);
      this.ghash(bytes, 0, bytes.length);
      s = { state: Int32Array.from(this.y), bits: bytes.length * 8 };
      this.aadStates.set(aad, s);
    }
    return s;
  }

  /**
   * Seals `count` values: value i is bytes [starts[i], starts[i] + lengths[i]) of `plain`,
   * under nonce bytes [12i, 12i + 12) of `nonces` and additional data `aads[i]`. Returns
   * one buffer holding `nonce | tag | ciphertext` of each value in turn (value i begins at
   * the sum of the earlier lengths plus 28 bytes each).
   */
  seal(plain: Buffer, starts: Int32Array, lengths: Int32Array, count: number, nonces: Uint8Array, aads: readonly string[]): Buffer {
    let blocks = 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      blocks += 1 + ((lengths[i] + 15) >> 4);
      total += SEALED_HEADER + lengths[i];
    }
    // Counter blocks: J0 = nonce | 1 (its AES masks the tag), then nonce | 2, nonce | 3, ... (the keystream).
    // Words, not bytes: the block buffer is its own ArrayBuffer, so 4-byte aligned.
    const counters = Buffer.from(new ArrayBuffer(blocks * 16));
    const c32 = new Int32Array(counters.buffer);
    for (let i = 0, p = 0; i < count; i++) {
      const n = 1 + ((lengths[i] + 15) >> 4);
      for (let k = 0; k < NONCE; k++) counters[p * 4 + k] = nonces[i * NONCE + k];
      c32[p + 3] = BIG_ENDIAN_1;
      for (let c = 2; c <= n; c++) {
        const q = p + (c - 1) * 4;
        c32[q] = c32[p];
        c32[q + 1] = c32[p + 1];
        c32[q + 2] = c32[p + 2];
        c32[q + 3] = bigEndian(c);
      }
      p += n * 4;
    }
    const stream = this.ecb.update(counters);
    // The counter blocks are spent: the plaintext goes where its keystream is, to be XORed a word at a time.
    for (let i = 0, ks = 0; i < count; i++) {
      plain.copy(counters, ks + 16, starts[i], starts[i] + lengths[i]);
      ks += 16 * (1 + ((lengths[i] + 15) >> 4));
    }
    if (stream.byteOffset % 4 === 0) {
      const s32 = new Int32Array(stream.buffer, stream.byteOffset, stream.length >> 2);
      for (let w = 0; w < s32.length; w++) c32[w] ^= s32[w];
    } else {
      for (let k = 0; k < stream.length; k++) counters[k] ^= stream[k];
    }
    // Now `counters` holds each value's ciphertext after its (spent) first block; past the value's length, junk never read.
    const out = Buffer.allocUnsafe(total);
    let ks = 0;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const len = lengths[i];
      const ct = ks + 16;
      for (let k = 0; k < NONCE; k++) out[at + k] = nonces[i * NONCE + k];
      counters.copy(out, at + SEALED_HEADER, ct, ct + len);
      const a = this.aadState(aads[i]);
      this.y.set(a.state);
      this.ghash(counters, ct, ct + len);
      // The length block (bit lengths of the additional data and of the ciphertext, 64 bits
      // each) XORed into the state by hand, then one more multiplication by H.
      this.y[1] ^= a.bits;
      this.y[3] ^= len * 8;
      this.ghash(ZERO_BLOCK, 0, 16);
      // The tag: the hash XOR E(J0), the first keystream block of the value.
      for (let w = 0; w < 4; w++) {
        const v = this.y[w];
        const t = at + NONCE + w * 4;
        const e = ks + w * 4;
        out[t] = (v >>> 24) ^ stream[e];
        out[t + 1] = ((v >>> 16) & 0xff) ^ stream[e + 1];
        out[t + 2] = ((v >>> 8) & 0xff) ^ stream[e + 2];
        out[t + 3] = (v & 0xff) ^ stream[e + 3];
      }
      ks += 16 * (1 + ((len + 15) >> 4));
      at += SEALED_HEADER + len;
    }
    return out;
  }

  /** True when this implementation and OpenSSL's agree on a throwaway key, on values of every length up to 100 bytes. */
  static selfTest(): boolean {
    const key = randomBytes(32);
    const cipher = new GcmBatchCipher(key);
    const count = 101;
    const plain = randomBytes(((count - 1) * count) / 2);
    const nonces = randomBytes(NONCE * count);
    const starts = new Int32Array(count);
    const lengths = new Int32Array(count);
    const aads: string[] = [];
    for (let i = 0, s = 0; i < count; s += i, i++) {
      starts[i] = s;
      lengths[i] = i;
      aads.push(i % 3 === 0 ? 'clients.full_name_enc' : i % 3 === 1 ? 'incidents.narrative_enc' : `aad ${i} ${'x'.repeat(i)}`);
    }
    const sealed = cipher.seal(plain, starts, lengths, count, nonces, aads);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const ref = createCipheriv('aes-256-gcm', key, nonces.subarray(i * NONCE, (i + 1) * NONCE));
      ref.setAAD(Buffer.from(aads[i], 'utf8'));
      const body = Buffer.concat([ref.update(plain.subarray(starts[i], starts[i] + lengths[i])), ref.final()]);
      const expected = Buffer.concat([nonces.subarray(i * NONCE, (i + 1) * NONCE), ref.getAuthTag(), body]);
      if (!expected.equals(sealed.subarray(at, at + SEALED_HEADER + lengths[i]))) return false;
      at += SEALED_HEADER + lengths[i];
    }
    return at === sealed.length;
  }
}
