import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of identifiable fields at rest.
 *
 * Stored form: `enc2:<keyId>:<base64(nonce[12] | tag[16] | ciphertext)>`. The key id says
 * which key of the ring decrypts it, so keys can rotate without losing data. The
 * additional authenticated data is the column's name and the row's id
 * (`clients.phone_enc`, NUL, the client's id): a ciphertext copied into another column, or
 * into the same column of another row (one client's phone number put on another's
 * record by someone who can write to the database), does not decrypt.
 *
 * `enc1:` values (the column's name alone) were written before rows were bound; they still
 * open, and a key rotation seals them again as `enc2:` under the current key.
 */
export const CIPHERTEXT_PREFIX = 'enc2:';
const LEGACY_PREFIX = 'enc1:';
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
  private readonly aads = new Map<string, Buffer>();
  private readonly currentKey: Buffer;
  private readonly prefix: string;
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
    this.currentKey = this.keys.get(this.currentId)!;
    this.prefix = `${CIPHERTEXT_PREFIX}${this.currentId}:`;
  }

  /** Whether the ring holds a key of this id. */
  has(keyId: string): boolean {
    return this.keys.has(keyId);
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

  /** The AAD of a legacy (`enc1:`) value: its column's name, as bytes, made once per column. */
  private aadBytes(aad: string): Buffer {
    let bytes = this.aads.get(aad);
    if (!bytes) this.aads.set(aad, (bytes = Buffer.from(aad, 'utf8')));
    return bytes;
  }

  /** The AAD of a value: its column's name and its row's id. */
  private static rowAad(aad: string, rowId: string): Buffer {
    return Buffer.from(`${aad}\u0000${rowId}`, 'utf8');
  }

  /** Seals `plaintext` for column `aad` of row `rowId`. */
  encrypt(plaintext: string, aad: string, rowId: string): string {
    // bound to no row, a value could never be told from one moved there
    if (rowId === '') throw new KeyRingError('a value is sealed to its row: no row id');
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, nonce);
    cipher.setAAD(KeyRing.rowAad(aad, rowId));
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
  seal(plaintext: string | null | undefined, aad: string, rowId: string): string | null {
    return plaintext === null || plaintext === undefined || plaintext === '' ? null : this.encrypt(plaintext, aad, rowId);
  }

  /**
   * Seals many values, each exactly as `seal` does (null for null, undefined and ''; a
   * fresh random nonce per value; OpenSSL's AES-256-GCM per value). `aads[i]` is the
   * additional data of `plaintexts[i]`. A hand-written batch GCM (OpenSSL AES for the
   * counter blocks, GHASH in JavaScript) once saved ~2 s per 100k imported rows; it was
   * removed: the authentication half of the cipher in our own table-driven code is not
   * worth a benchmark, and the import misses its 10x target either way.
   */
  sealMany(plaintexts: readonly (string | null | undefined)[], aads: readonly string[], rowIds: readonly string[]): (string | null)[] {
    return plaintexts.map((v, i) => this.seal(v, aads[i], rowIds[i]));
  }

  /** Opens a value of column `aad` of row `rowId` (a legacy `enc1:` value by its column alone). */
  decrypt(stored: string, aad: string, rowId: string): string {
    const legacy = stored.startsWith(LEGACY_PREFIX);
    if (!legacy && !stored.startsWith(CIPHERTEXT_PREFIX)) throw new KeyRingError('value is not a ciphertext');
    const rest = stored.slice(CIPHERTEXT_PREFIX.length);
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, colon);
    const key = this.keys.get(keyId);
    if (colon < 1 || !key) throw new KeyRingError(`no key ${keyId.slice(0, 16)} in the ring`);
    const raw = Buffer.from(rest.slice(colon + 1), 'base64');
    if (raw.length < NONCE + TAG) throw new KeyRingError('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE));
    decipher.setAAD(legacy ? this.aadBytes(aad) : KeyRing.rowAad(aad, rowId));
    decipher.setAuthTag(raw.subarray(NONCE, NONCE + TAG));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE + TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyRingError('ciphertext failed authentication');
    }
  }

  open(stored: string | null | undefined, aad: string, rowId: string): string | null {
    return stored === null || stored === undefined ? null : this.decrypt(stored, aad, rowId);
  }

  /** Re-encrypts with the current key, bound to the row (no-op for values already sealed so under it). */
  reseal(stored: string | null, aad: string, rowId: string): string | null {
    if (stored === null || stored.startsWith(this.currentPrefix)) return stored;
    return this.encrypt(this.decrypt(stored, aad, rowId), aad, rowId);
  }
}
