import { randomBytes } from 'node:crypto';
import { KeyRing, KeyRingError } from './key-ring';

const key = (): string => randomBytes(32).toString('base64');

describe('KeyRing', () => {
  const k1 = key();
  const k2 = key();

  it('round-trips under AES-256-GCM and stores the key id, never the plaintext', () => {
    const ring = new KeyRing(`k1:${k1}`);
    const sealed = ring.encrypt('Malika Rahimova +992 93 000 0000', 'clients.full_name');
    expect(sealed.startsWith('enc1:k1:')).toBe(true);
    expect(sealed).not.toContain('Malika');
    expect(ring.decrypt(sealed, 'clients.full_name')).toBe('Malika Rahimova +992 93 000 0000');
    expect(ring.encrypt('x', 'a')).not.toBe(ring.encrypt('x', 'a'));
  });

  it('refuses a ciphertext moved to another column or tampered with', () => {
    const ring = new KeyRing(`k1:${k1}`);
    const sealed = ring.encrypt('secret', 'clients.phone');
    expect(() => ring.decrypt(sealed, 'clients.address')).toThrow(KeyRingError);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => ring.decrypt(tampered, 'clients.phone')).toThrow(KeyRingError);
  });

  it('decrypts old values after rotation and reseals them under the new key', () => {
    const old = new KeyRing(`k1:${k1}`).encrypt('address', 'clients.address');
    const rotated = new KeyRing(`k2:${k2},k1:${k1}`);
    expect(rotated.decrypt(old, 'clients.address')).toBe('address');
    const resealed = rotated.reseal(old, 'clients.address')!;
    expect(resealed.startsWith('enc1:k2:')).toBe(true);
    expect(new KeyRing(`k2:${k2}`).decrypt(resealed, 'clients.address')).toBe('address');
    expect(() => new KeyRing(`k2:${k2}`).decrypt(old, 'clients.address')).toThrow(/no key k1/);
  });

  it('rejects a malformed ring without echoing key material', () => {
    expect(() => new KeyRing('k1:short')).toThrow(/k1 is not 32 bytes/);
    expect(() => new KeyRing(`k1:${k1},k1:${k2}`)).toThrow(/twice/);
  });
});
