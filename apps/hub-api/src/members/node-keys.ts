import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { HubError } from '../common/errors/hub.error';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Parses an Ed25519 public key given as SPKI PEM or as the raw 32 bytes in base64. */
export function parseEd25519PublicKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) key = createPublicKey({ key: trimmed, format: 'pem' });
    else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length !== 32) throw new Error('raw Ed25519 keys are 32 bytes');
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch {
    throw new HubError('BAD_USER_INPUT', 'publicKey is not an Ed25519 public key (SPKI PEM or raw base64)', {
      reason: 'KEY_INVALID',
      fields: [{ field: 'publicKey', messages: ['must be an Ed25519 public key'] }],
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new HubError('BAD_USER_INPUT', 'publicKey must be an Ed25519 key', {
      reason: 'KEY_INVALID',
      fields: [{ field: 'publicKey', messages: ['must be an Ed25519 public key'] }],
    });
  }
  if (!isStrongEd25519Key(key)) {
    throw new HubError('BAD_USER_INPUT', 'publicKey is a weak Ed25519 key (a point of small order, or not a canonical point of the curve)', {
      reason: 'KEY_INVALID',
      fields: [{ field: 'publicKey', messages: ['must be a canonical Ed25519 public key of large order'] }],
    });
  }
  return key;
}

/** See isStrongEd25519Point; for a parsed Ed25519 key (a key stored before the hub checked them too). */
export function isStrongEd25519Key(key: KeyObject): boolean {
  return isStrongEd25519Point(key.export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX.length));
}

/** The field of Ed25519 (p = 2^255 - 19) and the curve's d = -121665 / 121666. */
const FIELD_P = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % FIELD_P) + FIELD_P) % FIELD_P;
function powmod(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = mod(b);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * x) % FIELD_P;
    x = (x * x) % FIELD_P;
  }
  return r;
}
const inv = (a: bigint): bigint => powmod(a, FIELD_P - 2n);
const CURVE_D = mod(-121665n * inv(121666n));
const SQRT_M1 = powmod(2n, (FIELD_P - 1n) / 4n);

/**
 * False for public keys that prove nothing: a point of small order (order 1, 2, 4 or 8; with
 * the identity as key, one fixed signature verifies for every message, and node:crypto accepts
 * it), and an encoding that is not a canonical point of the curve. A key of the node's own
 * making always passes; this stops a member account registering a key under which anyone
 * holding the node's client secret could sign, and the member deny having signed. The check
 * multiplies the point by the cofactor 8 (three doublings, affine, exact in BigInt: the
 * twisted Edwards addition law of this curve is complete, so no denominator is zero).
 */
export function isStrongEd25519Point(raw: Uint8Array): boolean {
  if (raw.length !== 32) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? raw[i] & 0x7f : raw[i]);
  const sign = raw[31] >> 7;
  if (y >= FIELD_P) return false;
  // x^2 = (y^2 - 1) / (d y^2 + 1)
  const u = mod(y * y - 1n);
  const v = mod(CURVE_D * y * y + 1n);
  let x = mod(u * powmod(v, 3n) * powmod(u * powmod(v, 7n), (FIELD_P - 5n) / 8n));
  if (mod(v * x * x) !== u) {
    if (mod(v * x * x) !== mod(-u)) return false; // not on the curve
    x = mod(x * SQRT_M1);
  }
  if (x === 0n && sign === 1) return false; // -0: not canonical
  if (Number(x & 1n) !== sign) x = FIELD_P - x;
  for (let i = 0; i < 3; i++) {
    // (x, y) + (x, y) on -x^2 + y^2 = 1 + d x^2 y^2
    const xx = (x * x) % FIELD_P;
    const yy = (y * y) % FIELD_P;
    const nx = mod(2n * x * y * inv(mod(yy - xx)));
    const ny = mod((yy + xx) * inv(mod(2n - yy + xx)));
    x = nx;
    y = ny;
  }
  return !(x === 0n && y === 1n);
}

export function pemOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Key id: the first 16 hex digits of the SHA-256 of the SPKI DER (stable, so nodes can compute it too). */
export function keyIdOf(key: KeyObject): string {
  return 'ed25519:' + createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
