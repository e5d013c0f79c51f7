import { randomBytes } from 'node:crypto';
import { legacySeal } from '../../test/utils/legacy-seal';
import { KeyRing, KeyRingError } from './key-ring';

const key = (): string => randomBytes(32).toString('base64');
const ROW = '0f6a4a52-0000-4000-8000-000000000001';
const OTHER_ROW = '0f6a4a52-0000-4000-8000-000000000002';

describe('KeyRing', () => {
  const k1 = key();
  const k2 = key();

  it('round-trips under AES-256-GCM and stores the key id, never the plaintext', () => {
    const ring = new KeyRing(`k1:${k1}`);
    const sealed = ring.encrypt('Malika Rahimova +992 93 000 0000', 'clients.full_name', ROW);
    expect(sealed.startsWith('enc2:k1:')).toBe(true);
    expect(sealed).not.toContain('Malika');
    expect(ring.decrypt(sealed, 'clients.full_name', ROW)).toBe('Malika Rahimova +992 93 000 0000');
    expect(ring.encrypt('x', 'a', ROW)).not.toBe(ring.encrypt('x', 'a', ROW));
  });

  it('refuses a ciphertext moved to another column, to the same column of another row, or tampered with', () => {
    const ring = new KeyRing(`k1:${k1}`);
    const sealed = ring.encrypt('secret', 'clients.phone', ROW);
    expect(() => ring.decrypt(sealed, 'clients.address', ROW)).toThrow(KeyRingError);
    // one client's phone number put on another's record by someone who can write to the database
    expect(() => ring.decrypt(sealed, 'clients.phone', OTHER_ROW)).toThrow(KeyRingError);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => ring.decrypt(tampered, 'clients.phone', ROW)).toThrow(KeyRingError);
  });

  it('opens values sealed before rows were bound (enc1: by the column alone), and reseals them bound to their row', () => {
    const old = legacySeal(k1, 'k1', 'an address', 'clients.address');
    const ring = new KeyRing(`k1:${k1}`);
    expect(ring.decrypt(old, 'clients.address', ROW)).toBe('an address');
    expect(() => ring.decrypt(old, 'clients.phone', ROW)).toThrow(KeyRingError);
    const resealed = ring.reseal(old, 'clients.address', ROW) as string;
    expect(resealed.startsWith('enc2:k1:')).toBe(true);
    expect(ring.decrypt(resealed, 'clients.address', ROW)).toBe('an address');
    expect(() => ring.decrypt(resealed, 'clients.address', OTHER_ROW)).toThrow(KeyRingError);
  });

  it('decrypts old values after rotation and reseals them under the new key', () => {
    const old = new KeyRing(`k1:${k1}`).encrypt('address', 'clients.address', ROW);
    const rotated = new KeyRing(`k2:${k2},k1:${k1}`);
    expect(rotated.decrypt(old, 'clients.address', ROW)).toBe('address');
    const resealed = rotated.reseal(old, 'clients.address', ROW)!;
    expect(resealed.startsWith('enc2:k2:')).toBe(true);
    expect(new KeyRing(`k2:${k2}`).decrypt(resealed, 'clients.address', ROW)).toBe('address');
    expect(() => new KeyRing(`k2:${k2}`).decrypt(old, 'clients.address', ROW)).toThrow(/no key k1/);
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
    const rows = values.map((_, i) => `row-${i}`);
    const sealed = ring.sealMany(values, aads, rows);
    expect(sealed.map((s, i) => (s === null ? null : ring.decrypt(s, aads[i], rows[i])))).toEqual(values.map((v) => (v ? v : null)));
    for (const s of sealed) if (s !== null) expect(s.startsWith('enc2:k1:')).toBe(true);
    expect(sealed[7]).not.toBe(sealed[8]);
    expect(new Set(sealed.filter(Boolean).map((s) => Buffer.from(s!.slice(8), 'base64').subarray(0, 12).toString('hex'))).size).toBe(7);
    // A value sealed for one column, or one row, does not open in another.
    expect(() => ring.decrypt(sealed[0]!, 'clients.phone_enc', rows[0])).toThrow(KeyRingError);
    expect(() => ring.decrypt(sealed[0]!, 'clients.full_name_enc', rows[2])).toThrow(KeyRingError);
    expect(ring.sealMany([], [], [])).toEqual([]);
    expect(ring.sealMany([null, ''], ['a', 'b'], ['r', 's'])).toEqual([null, null]);
  });

  it('seals under the current key after a rotation', () => {
    const rotated = new KeyRing(`k2:${key()},k1:${k1}`);
    const [s] = rotated.sealMany(['after rotation'], ['clients.address_enc'], [ROW]);
    expect(s!.startsWith('enc2:k2:')).toBe(true);
    expect(rotated.decrypt(s!, 'clients.address_enc', ROW)).toBe('after rotation');
  });
});
