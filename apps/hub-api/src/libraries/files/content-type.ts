import { extname } from 'node:path';
import type { LibraryFileType } from '../library-codes';
import { zipEntryNames } from './zip-entries';

export const MIME_TYPES: Readonly<Record<LibraryFileType, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

const EXTENSIONS: Readonly<Record<LibraryFileType, readonly string[]>> = {
  pdf: ['.pdf'],
  docx: ['.docx'],
  xlsx: ['.xlsx'],
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg'],
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The file type of `bytes` by their magic numbers (and, for ZIP, the OOXML parts inside); undefined when not an accepted type. */
export function detectFileType(bytes: Buffer): LibraryFileType | undefined {
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    const names = zipEntryNames(bytes);
    if (!names?.includes('[Content_Types].xml')) return undefined;
    if (names.some((n) => n.startsWith('word/'))) return 'docx';
    if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
  }
  return undefined;
}

/** What a client claimed (file name and declared MIME type) disagrees with what the bytes are. */
export function claimMismatch(detected: LibraryFileType, fileName: string, declaredMime: string | undefined): string | undefined {
  const ext = extname(fileName).toLowerCase();
  if (!EXTENSIONS[detected].includes(ext)) return `the file name ends in "${ext || '(none)'}" but the content is ${detected.toUpperCase()}`;
  const mime = declaredMime?.split(';')[0].trim().toLowerCase();
  if (mime && mime !== 'application/octet-stream' && mime !== MIME_TYPES[detected]) {
    return `the declared type ${mime} does not match the content (${MIME_TYPES[detected]})`;
  }
  return undefined;
}
