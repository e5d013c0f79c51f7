/**
 * What two organisation names must not share to be told apart: case (Cyrillic too, by
 * Unicode's locale-independent mapping), surrounding and repeated inner whitespace, and
 * composed vs decomposed letters (Tajik ӣ, ӯ typed either way).
 */
export function memberNameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
