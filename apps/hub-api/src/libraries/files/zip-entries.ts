/**
 * Names of the entries of a ZIP archive, read from its central directory (no decompression).
 * Returns undefined when the bytes are not a well-formed ZIP.
 */
export function zipEntryNames(buf: Buffer, maxEntries = 10_000): string[] | undefined {
  const EOCD = 0x06054b50;
  const CDH = 0x02014b50;
  // The end-of-central-directory record sits in the last 22 + 65535 bytes (comment).
  const from = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count > maxEntries || cdOffset + cdSize > eocd) return undefined;
  const names: string[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH) return undefined;
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    if (p + 46 + nameLen > buf.length) return undefined;
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
