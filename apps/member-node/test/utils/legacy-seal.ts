import { createCipheriv, randomBytes } from 'node:crypto';

/** A value as nodes sealed it before values were bound to rows (key-ring.ts): `enc1:`, the column's name alone as AAD. */
export function legacySeal(keyB64: string, keyId: string, plaintext: string, aad: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyB64, 'base64'), nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `enc1:${keyId}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
}
