import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GcmBatchCipher, SEALED_HEADER } from './gcm-batch';

/**
 * AES-256-GCM encryption of identifiable fields at rest.
 *
 * Stored form: `enc1:<keyId>:<base64(nonce[12] | tag[16] | ciphertext)>`. The key id says
 * which key of the ring decrypts it, so keys can rotate without losing data. The
 * additional authenticated data is the column's name (`clients.phone`), so a ciphertext
 * copied into another column does not decrypt.
 */
export const CIPHERTEXT_PREFIX = 'enc1:';
const NONCE = 12;
const TAG = 16;

export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/** Nonces are drawn from a pool of random bytes: one system call per 4096 nonces, not per value. */
const NONCE_POOL = NONCE * 4096;

/** Whether the batch implementation agrees with OpenSSL here (checked once per process). */
let batchAgrees: boolean | undefined;

export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  private readonly aads = new Map<string, Buffer>();
  private readonly currentKey: Buffer;
  private readonly prefix: string;
  private pool = Buffer.alloc(0);
  private poolAt = 0;
  /** For `sealMany`; null when the batch implementation failed its self-test (then one OpenSSL call per value). */
  private batch: GcmBatchCipher | null | undefined;
  readonly currentId: string;

  /** `spec`: `k2:<base64 32 bytes>,k1:<base64 32 bytes>`; the first entry is the current key. */
  constructor(spec: string) {
    const entries = spec.split(',').map((e) => e.trim()).filter(Boolean);
    if (entries.length === 0) throw new KeyRingError('the key ring is empty');
    for (const entry of entries) {
      const [id, b64] = entry.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || key.length !== 32) throw new KeyRingError(`key ${id ?? '?'} is not 32 bytes of base64`);
      if (this.keys.has(id)) throw new KeyRingError(`key id ${id} appears twice`);
      this.keys.set(id, key);
    }
    this.currentId = entries[0].split(':')[0];
    this.currentKey = this.keys.get(this.currentId)!;
    this.prefix = `${CIPHERTEXT_PREFIX}${this.currentId}:`;
  }

  /** The prefix every value encrypted with the current key starts with (used to find rows to rotate). */
  get currentPrefix(): string {
    return this.prefix;
  }

  private nonce(): Buffer {
    if (this.poolAt + NONCE > this.pool.length) {
      this.pool = randomBytes(NONCE_POOL);
      this.poolAt = 0;
    }
    // A view, not a copy: a pool is never rewritten (the next one is a new buffer), so no nonce repeats under a key.
    const n = this.pool.subarray(this.poolAt, this.poolAt + NONCE);
    this.poolAt += NONCE;
    return n;
  }

  /** The AAD of a column as bytes, made once per column rather than once per value. */
  private aadBytes(aad: string): Buffer {
    let bytes = this.aads.get(aad);
    if (!bytes) this.aads.set(aad, (bytes = Buffer.from(aad, 'utf8')));
    return bytes;
  }

  encrypt(plaintext: string, aad: string): string {
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, nonce);
    cipher.setAAD(this.aadBytes(aad));
    const body = cipher.update(plaintext, 'utf8');
    const rest = cipher.final(); // empty for GCM, a stream mode
    // nonce | tag | ciphertext in one buffer, one base64 encoding.
    const out = Buffer.allocUnsafe(NONCE + TAG + body.length + rest.length);
    nonce.copy(out, 0);
    cipher.getAuthTag().copy(out, NONCE);
    body.copy(out, NONCE + TAG);
    rest.copy(out, NONCE + TAG + body.length);
    return this.currentPrefix + out.toString('base64');
  }

  /** Encrypts a nullable value (null stays null: absence is not a secret). */
  seal(plaintext: string | null | undefined, aad: string): string | null {
    return plaintext === null || plaintext === undefined || plaintext === '' ? null : this.encrypt(plaintext, aad);
  }

  /**
   * Seals many values at once, each exactly as `seal` would (null for null, undefined and
   * ''; a fresh random nonce per value): one AES call for the lot instead of one cipher
   * per value (see gcm-batch.ts). `aads[i]` is the additional data of `plaintexts[i]`.
   */
  sealMany(plaintexts: readonly (string | null | undefined)[], aads: readonly string[]): (string | null)[] {
    const n = plaintexts.length;
    const out = new Array<string | null>(n).fill(null);
    if (this.batch === undefined) {
      batchAgrees ??= GcmBatchCipher.selfTest();
      this.batch = batchAgrees ? new GcmBatchCipher(this.currentKey) : null;
    }
    if (this.batch === null) {
      for (let i = 0; i < n; i++) out[i] = this.seal(plaintexts[i], aads[i]);
      return out;
    }
    let capacity = 0;
    let count = 0;
    for (const v of plaintexts) {
      if (v === null || v === undefined || v === '') continue;
      capacity += v.length * 3; // UTF-8 bytes per UTF-16 unit, at most
      count++;
    }
    if (count === 0) return out;
    const plain = Buffer.allocUnsafe(capacity);
    const starts = new Int32Array(count);
    const lengths = new Int32Array(count);
    const slots = new Int32Array(count);
    const valueAads = new Array<string>(count);
    let at = 0;
    for (let i = 0, j = 0; i < n; i++) {
      const v = plaintexts[i];
      if (v === null || v === undefined || v === '') continue;
      starts[j] = at;
      lengths[j] = plain.write(v, at);
      at += lengths[j];
      slots[j] = i;
      valueAads[j++] = aads[i];
    }
    const sealed = this.batch.seal(plain, starts, lengths, count, randomBytes(NONCE * count), valueAads);
    plain.fill(0, 0, at);
    for (let j = 0, s = 0; j < count; j++) {
      const e = s + SEALED_HEADER + lengths[j];
      out[slots[j]] = this.prefix + sealed.toString('base64', s, e);
      s = e;
    }
    return out;
  }

  decrypt(stored: string, aad: string): string {
    if (!stored.startsWith(CIPHERTEXT_PREFIX)) throw new KeyRingError('value is not a ciphertext');
    const rest = stored.slice(CIPHERTEXT_PREFIX.length);
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, colon);
    const key = this.keys.get(keyId);
    if (colon < 1 || !key) throw new KeyRingError(`no key ${keyId.slice(0, 16)} in the ring`);
    const raw = Buffer.from(rest.slice(colon + 1), 'base64');
    if (raw.length < NONCE + TAG) throw new KeyRingError('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE));
    decipher.setAAD(this.aadBytes(aad));
    decipher.setAuthTag(raw.subarray(NONCE, NONCE + TAG));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE + TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyRingError('ciphertext failed authentication');
    }
  }

  open(stored: string | null | undefined, aad: string): string | null {
    return stored === null || stored === undefined ? null : this.decrypt(stored, aad);
  }

  /** Re-encrypts with the current key (no-op for values already under it). */
  reseal(stored: string | null, aad: string): string | null {
    if (stored === null || stored.startsWith(this.currentPrefix)) return stored;
    return this.encrypt(this.decrypt(stored, aad), aad);
  }
}
