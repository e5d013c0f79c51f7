import { createHmac, hkdfSync } from 'node:crypto';

/**
 * A keyed hash for what a table must find again but never read back (what was typed as a username or
 * an email, the address it came from, in the sign-in limits): HMAC-SHA256 under a key derived from
 * `secret` for one `purpose`, in hex. People type passwords into those fields, and a plain hash of one
 * in a copy of the table is cracked offline.
 */
export function keyedHash(secret: string, purpose: string): (text: string) => string {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32));
  return (text) => createHmac('sha256', key).update(text).digest('hex');
}
