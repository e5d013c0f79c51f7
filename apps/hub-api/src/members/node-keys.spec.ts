import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { HubError } from '../common/errors/hub.error';
import { isStrongEd25519Point, keyIdOf, parseEd25519PublicKey } from './node-keys';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const fieldElement = (low: number): Buffer => {
  // p + (low - 0xed): the 32 bytes of 2^255 - 19 with the lowest byte changed
  const b = Buffer.alloc(32, 0xff);
  b[0] = low;
  b[31] = 0x7f;
  return b;
};
const withSign = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[31] |= 0x80;
  return c;
};
const identity = Buffer.alloc(32);
identity[0] = 1;
/** The points of small order (libsodium's list): 0 and 1 as y, the two of order 8, p-1, and p, p+1 (y not reduced). */
const WEAK = [
  Buffer.alloc(32),
  identity,
  Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex'),
  Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex'),
  fieldElement(0xec),
  fieldElement(0xed),
  fieldElement(0xee),
];

describe('node public keys', () => {
  it('takes the keys nodes make, as raw base64 or SPKI PEM, with the same key id', () => {
    for (let i = 0; i < 50; i++) {
      const { publicKey } = generateKeyPairSync('ed25519');
      const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(SPKI_PREFIX.length);
      expect(isStrongEd25519Point(raw)).toBe(true);
      const [fromRaw, fromPem] = [parseEd25519PublicKey(raw.toString('base64')), parseEd25519PublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())];
      expect(keyIdOf(fromRaw)).toBe(keyIdOf(fromPem));
    }
  });

  it('refuses keys of small order and encodings that are no canonical point, as KEY_INVALID (node:crypto verifies a forged signature under the identity)', () => {
    // why: with the identity as public key, one fixed signature verifies for any message
    const weak = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, identity]), format: 'der', type: 'spki' });
    const forged = Buffer.alloc(64);
    forged[0] = 1;
    expect([verify(null, Buffer.from('a release'), weak, forged), verify(null, Buffer.from('another'), weak, forged)]).toEqual([true, true]);
    for (const b of [...WEAK, ...WEAK.map(withSign)]) {
      expect(isStrongEd25519Point(b)).toBe(false);
      let refused: unknown;
      try {
        parseEd25519PublicKey(b.toString('base64'));
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(HubError);
      expect((refused as HubError).details).toMatchObject({ reason: 'KEY_INVALID' });
    }
    // a real key's signature still verifies once parsed
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const parsed = parseEd25519PublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(verify(null, Buffer.from('a release'), parsed, sign(null, Buffer.from('a release'), privateKey))).toBe(true);
  });
});
