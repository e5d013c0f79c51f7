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
  return key;
}

export function pemOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Key id: the first 16 hex digits of the SHA-256 of the SPKI DER (stable, so nodes can compute it too). */
export function keyIdOf(key: KeyObject): string {
  return 'ed25519:' + createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
