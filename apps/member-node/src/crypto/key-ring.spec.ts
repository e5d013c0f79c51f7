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

describe('KeyRing.sealMany', () => {
  const k1 = key();

  it('seals each value as seal would: decryptable by decrypt, null for absent or empty, a fresh nonce per value', () => {
    const ring = new KeyRing(`k1:${k1}`);
    const values = ['Зарина Каримова', null, '', undefined, '+992 93 000 0000', 'x', 'ӯ'.repeat(700), 'Same', 'Same', '😀 emoji and text'];
    const aads = values.map((_, i) => (i % 2 === 0 ? 'clients.full_name_enc' : 'incidents.narrative_enc'));
    const sealed = ring.sealMany(values, aads);
    expect(sealed.map((s, i) => (s === null ? null : ring.decrypt(s, aads[i])))).toEqual(values.map((v) => (v ? v : null)));
    for (const s of sealed) if (s !== null) expect(s.startsWith('enc1:k1:')).toBe(true);
    expect(sealed[7]).not.toBe(sealed[8]);
    expect(new Set(sealed.filter(Boolean).map((s) => Buffer.from(s!.slice(8), 'base64').subarray(0, 12).toString('hex'))).size).toBe(7);
    // A value sealed for one column does not open in another.
    expect(() => ring.decrypt(sealed[0]!, 'clients.phone_enc')).toThrow(KeyRingError);
    expect(ring.sealMany([], [])).toEqual([]);
    expect(ring.sealMany([null, ''], ['a', 'b'])).toEqual([null, null]);
  });

  it('seals under the current key after a rotation', () => {
    const rotated = new KeyRing(`k2:${key()},k1:${k1}`);
    const [s] = rotated.sealMany(['after rotation'], ['clients.address_enc']);
    expect(s!.startsWith('enc1:k2:')).toBe(true);
    expect(rotated.decrypt(s!, 'clients.address_enc')).toBe('after rotation');
  });
});
