import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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

export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  private pool = Buffer.alloc(0);
  private poolAt = 0;
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
  }

  /** The prefix every value encrypted with the current key starts with (used to find rows to rotate). */
  get currentPrefix(): string {
    return `${CIPHERTEXT_PREFIX}${this.currentId}:`;
  }

  private nonce(): Buffer {
    if (this.poolAt + NONCE > this.pool.length) {
      this.pool = randomBytes(NONCE_POOL);
      this.poolAt = 0;
    }
    // A copy: the pool is replaced, never reused, so no nonce repeats under a key.
    const n = Buffer.from(this.pool.subarray(this.poolAt, this.poolAt + NONCE));
    this.poolAt += NONCE;
    return n;
  }

  encrypt(plaintext: string, aad: string): string {
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${this.currentPrefix}${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Encrypts a nullable value (null stays null: absence is not a secret). */
  seal(plaintext: string | null | undefined, aad: string): string | null {
    return plaintext === null || plaintext === undefined || plaintext === '' ? null : this.encrypt(plaintext, aad);
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
    decipher.setAAD(Buffer.from(aad, 'utf8'));
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
