import { createCipheriv, createHmac, pbkdf2Sync } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

/**
 * Reads a WinZip AES-256 (AE-1 or AE-2) archive the way 7-Zip does, to prove the export is
 * encrypted and opens with its password: PBKDF2-HMAC-SHA1 (1000 rounds) key derivation,
 * AES-CTR with a little-endian counter, HMAC-SHA1 authentication code.
 */
export function readAesZip(zip: Buffer, password: string): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let e = 0; e < entries; e++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const extra = zip.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (method !== 99) throw new Error(`${name} is not AES-encrypted (method ${method})`);
    const aes = extra.indexOf(Buffer.from([0x01, 0x99]));
    if (aes < 0 || extra[aes + 8] !== 3) throw new Error(`${name} is not AES-256`);
    const actualMethod = extra.readUInt16LE(aes + 9);
    const local = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(local, local + compSize);
    const salt = data.subarray(0, 16);
    const verifier = data.subarray(16, 18);
    const body = data.subarray(18, data.length - 10);
    const auth = data.subarray(data.length - 10);
    const keys = pbkdf2Sync(password, salt, 1000, 66, 'sha1');
    if (!keys.subarray(64).equals(verifier)) throw new Error('wrong password');
    if (!createHmac('sha1', keys.subarray(32, 64)).update(body).digest().subarray(0, 10).equals(auth)) throw new Error('authentication failed');
    const ecb = createCipheriv('aes-256-ecb', keys.subarray(0, 32), null).setAutoPadding(false);
    const plain = Buffer.alloc(body.length);
    for (let off = 0, n = 1; off < body.length; off += 16, n++) {
      const counter = Buffer.alloc(16);
      counter.writeUInt32LE(n, 0);
      const ks = ecb.update(counter);
      for (let i = 0; i < 16 && off + i < body.length; i++) plain[off + i] = body[off + i] ^ ks[i];
    }
    out.set(name, actualMethod === 8 ? inflateRawSync(plain) : plain);
  }
  return out;
}
