import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { SubmissionPayload, signingBytes } from '@paivand/schema';

/**
 * The node's Ed25519 signing key. The private key never leaves the node; the public key
 * (SPKI PEM) is registered at the hub at admission so the hub can prove who sent what.
 */
export class NodeSigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKeyPem: string,
    readonly keyId: string,
  ) {}

  /** From a PKCS#8 PEM, or base64 of the PKCS#8 DER. */
  static fromPrivateKey(text: string): NodeSigningKey {
    const trimmed = text.trim();
    const key = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey({ key: trimmed, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('the node signing key must be an Ed25519 key');
    const publicKey = createPublicKey(key);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return new NodeSigningKey(key, pem, keyIdOf(publicKey));
  }

  static generate(): { key: NodeSigningKey; privateKeyPem: string } {
    const { privateKey } = generateKeyPairSync('ed25519');
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return { key: NodeSigningKey.fromPrivateKey(privateKeyPem), privateKeyPem };
  }

  /** Ed25519 signature (base64) over the canonical JSON of the payload. */
  sign(payload: SubmissionPayload): string {
    return sign(null, signingBytes(payload), this.privateKey).toString('base64');
  }
}

/** Stable id of a public key, as the hub names it: `ed25519:` + first 16 hex digits of sha256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return 'ed25519:' + createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
