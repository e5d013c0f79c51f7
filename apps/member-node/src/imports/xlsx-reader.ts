import ExcelJS from 'exceljs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { ImportFileError } from './import-file-error';

/**
 * Reading an XLSX upload: why not exceljs' streaming reader as it comes.
 *
 * An XLSX file is a ZIP archive whose parts may come in any order; exceljs itself writes the
 * worksheet before the shared strings it points into and `xl/workbook.xml` last. exceljs'
 * streaming reader reads the archive front to back in one pass, so it (1) writes every
 * worksheet that arrives before the shared strings to a plaintext temporary file, which for
 * a centre's register means names, phone numbers and birth dates on disk outside the
 * database, and (2) can lose the workbook part under load (exceljs#3064: "Cannot read
 * properties of undefined (reading 'sheets')"), which refused valid files now and then.
 *
 * So the upload is first spooled to a temporary file encrypted with AES-256-CTR under a key
 * that exists only in this process's memory and only for this import (CTR, because the ZIP
 * reader needs random access and the counter of any block is known). The archive is then
 * read through its central directory with yauzl: the workbook, its relationships, the
 * shared strings and the styles first, then the first worksheet in the workbook's own
 * order, streamed row by row through exceljs' worksheet parser. Memory holds the shared
 * strings (as any XLSX reader must) and one row at a time; the spool is deleted when the
 * rows have been read, or when reading stops for any reason. Each part reaches exceljs'
 * parser as text decoded across chunk boundaries (see `open` below).
 */

/**
 * Bounds on what an upload can make this process hold or parse. The shared strings are held in
 * memory, as plain text (exceljs keeps rich text as objects: 250 MB of tiny formatted strings took
 * 2.5 GB of heap, and two such files at once killed the node): at most `sharedStrings` of
 * them, `sharedChars` characters in all. A text between two tags (a cell, a string) is at
 * most `textChars` long (Excel's own limit for a cell is 32,767 characters; one inline cell
 * of 700 MB was built as one string). A part is read at most `partBytes` uncompressed (yauzl
 * checks the sizes an archive declares against what it inflates), and the parts exceljs builds
 * whole in memory (the workbook, its relationships and its styles) at most `metadataBytes`:
 * 16 million empty styles, 992 MB of XML in a 2.8 MB upload, took 2 GB of heap and 41 s to
 * parse. Excel's own styles part stays well under a megabyte.
 */
export interface XlsxLimits {
  readonly sharedStringsBytes: number;
  readonly sharedStrings: number;
  readonly sharedChars: number;
  readonly textChars: number;
  readonly partBytes: number;
  readonly metadataBytes: number;
}
export const XLSX_LIMITS: XlsxLimits = {
  sharedStringsBytes: 256 * 1024 * 1024,
  sharedStrings: 2_000_000,
  sharedChars: 64 * 1024 * 1024,
  textChars: 1024 * 1024,
  partBytes: 1024 * 1024 * 1024,
  metadataBytes: 16 * 1024 * 1024,
};
/** XLSX uploads read at once by this process (each holds its shared strings); the others wait their turn. */
const XLSX_READERS = 2;

const BLOCK = 16;

/** The upload on disk, encrypted; readable from any offset. */
class SealedSpool extends yauzl.RandomAccessReader {
  private readonly key = randomBytes(32);
  private readonly nonce = randomBytes(8);

  constructor(readonly path: string) {
    super();
  }

  /** The counter block for the 16-byte block `block` of the file: nonce || block number. */
  private counter(block: number): Buffer {
    const iv = Buffer.alloc(BLOCK);
    this.nonce.copy(iv, 0);
    iv.writeBigUInt64BE(BigInt(block), 8);
    return iv;
  }

  /** Writes the upload, encrypted; returns its size (CTR: the same as the plaintext's). */
  async write(input: Readable): Promise<number> {
    const file = createWriteStream(this.path, { flags: 'wx', mode: 0o600 });
    await pipelineAsync(input, createCipheriv('aes-256-ctr', this.key, this.counter(0)), file);
    return file.bytesWritten;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const first = Math.floor(start / BLOCK);
    let skip = start - first * BLOCK;
    const decipher = createDecipheriv('aes-256-ctr', this.key, this.counter(first));
    const trim = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          return cb();
        }
        const out = skip > 0 ? chunk.subarray(skip) : chunk;
        skip = 0;
        cb(null, out);
      },
    });
    // An error of any stage destroys the last one, the stream yauzl reads, with that error.
    return pipeline(createReadStream(this.path, { start: first * BLOCK, end: end - 1 }), decipher, trim, () => undefined);
  }
}

/** The parts of exceljs' streaming WorkbookReader this reader drives (not in its typings). */
interface WorkbookReaderParts {
  sharedStrings?: unknown[];
  workbookRels?: { Id: string; Target: string; Type: string }[];
  model?: { sheets?: { rId: string }[] };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

const RELATIONSHIP = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

/**
 * Spool directories are `paivand-import-<pid>-<mark>-<random>`: the process that owns one is in
 * its name. The mark is drawn once per process, because a node restarted in its container has
 * the pid of the one that was killed (it is process 1 there) and must still sweep its spools.
 */
const SPOOL_PREFIX = 'paivand-import-';
const PROCESS_MARK = randomBytes(4).toString('hex');
const SPOOL_DIR = new RegExp(`^${SPOOL_PREFIX}(?:(\\d+)-([0-9a-f]{8})-)?[A-Za-z0-9]{6}$`);
/** A spool without a process id in its name (an earlier version's) is swept once it is this old. */
const UNOWNED_SPOOL_MAX_AGE_MS = 24 * 3600 * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists under another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the spools that a process killed in the middle of an import left behind (its
 * `finally` never ran): directories whose owning process is gone. They hold only ciphertext
 * under a key that died with that process, but they are still a centre's register on disk.
 * A spool of a live process (another node on the same machine, mid-import) is left alone;
 * processes that share a TMPDIR must share a pid namespace (a directory shared between
 * containers is not supported). Returns how many were removed.
 */
export async function sweepStaleSpools(spoolDir = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(spoolDir).catch(() => [] as string[])) {
    const m = SPOOL_DIR.exec(name);
    if (!m) continue;
    const path = join(spoolDir, name);
    if (m[1] !== undefined) {
      const pid = Number(m[1]);
      // this process's own spools are in use; another process with this pid is gone
      if (pid === process.pid ? m[2] === PROCESS_MARK : alive(pid)) continue;
    } else {
      const info = await stat(path).catch(() => undefined);
      if (!info || Date.now() - info.mtimeMs < UNOWNED_SPOOL_MAX_AGE_MS) continue;
    }
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** A part named by a relationship of `xl/workbook.xml`: relative to `xl/`, or absolute from the archive's root. */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
}

let reading = 0;
const waiting: (() => void)[] = [];

/** A turn among the XLSX_READERS; the returned function gives it back. */
async function readerTurn(): Promise<() => void> {
  if (reading >= XLSX_READERS) await new Promise<void>((resolve) => waiting.push(resolve));
  else reading++;
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const next = waiting.shift();
    if (next) next();
    else reading--;
  };
}

/**
 * Refuses a text longer than `max` characters between two tags of an XML part (decoded text
 * chunks in, the same chunks out), before the parser builds it as one string.
 */
function textRunLimit(max: number): Transform {
  let run = 0;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _enc, cb) {
      const tags = /[<>]/g;
      let from = 0;
      for (let m = tags.exec(chunk); m; m = tags.exec(chunk)) {
        if (run + (m.index - from) > max) return cb(new ImportFileError('FILE_TOO_LARGE'));
        run = 0;
        from = m.index + 1;
      }
      run += chunk.length - from;
      if (run > max) return cb(new ImportFileError('FILE_TOO_LARGE'));
      cb(null, chunk);
    },
  });
}

/**
 * The rows of the first worksheet of an XLSX upload, as exceljs rows. The whole upload is
 * read (and encrypted to a spool in a new directory under `spoolDir`) before the first row comes out.
 */
export async function* xlsxWorksheetRows(input: Readable, spoolDir = tmpdir(), limits: XlsxLimits = XLSX_LIMITS): AsyncGenerator<ExcelJS.Row> {
  const dir = await mkdtemp(join(spoolDir, `${SPOOL_PREFIX}${process.pid}-${PROCESS_MARK}-`));
  let release: (() => void) | undefined;
  try {
    const spool = new SealedSpool(join(dir, 'upload'));
    // The upload's own errors (FILE_TOO_LARGE from the meter, a broken connection) as they are.
    const size = await spool.write(input);
    release = await readerTurn();
    try {
      yield* firstSheetRows(spool, size, limits);
    } catch (err) {
      // Anything the archive or its XML throws: not a workbook this reader can read.
      throw err instanceof ImportFileError ? err : new ImportFileError('MALFORMED_FILE');
    }
  } finally {
    release?.();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of the workbook's first sheet, its parts read in the order they are needed. */
async function* firstSheetRows(spool: SealedSpool, size: number, limits: XlsxLimits): AsyncGenerator<ExcelJS.Row> {
  const zip = await yauzl.fromRandomAccessReaderPromise(spool, size, { lazyEntries: true, autoClose: false });
  let worksheet: Readable | undefined;
  try {
    const parts = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) parts.set(entry.fileName, entry);
    const open = async (path: string | undefined, maxBytes = limits.partBytes): Promise<Readable | undefined> => {
      const entry = path === undefined ? undefined : parts.get(path);
      if (!entry) return undefined;
      if (entry.uncompressedSize > Math.min(maxBytes, limits.partBytes)) throw new ImportFileError('FILE_TOO_LARGE');
      const stream = await zip.openReadStreamPromise(entry);
      // Text, decoded across chunk boundaries: exceljs' parser decodes each Buffer chunk on its
      // own, which garbles a Cyrillic or Tajik letter whose two bytes fall in different chunks.
      stream.setEncoding('utf8');
      // An error of either stage ends the one the parser reads, with that error.
      return pipeline(stream, textRunLimit(limits.textChars), () => undefined);
    };

    // exceljs' own reader object keeps the workbook's state (shared strings, styles, 1904 dates).
    const book = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
      // emitted, and kept here as plain text (see XLSX_LIMITS)
      sharedStrings: 'emit',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    }) as unknown as WorkbookReaderParts;
    const rels = await open('xl/_rels/workbook.xml.rels', limits.metadataBytes);
    const workbook = await open('xl/workbook.xml', limits.metadataBytes);
    if (!rels || !workbook) throw new ImportFileError('MALFORMED_FILE');
    await book._parseRels(rels);
    await book._parseWorkbook(workbook);
    const byType = (type: string): string | undefined => {
      const rel = book.workbookRels?.find((r) => r.Type === RELATIONSHIP + type);
      return rel && partPath(rel.Target);
    };
    const strings = byType('sharedStrings');
    if ((parts.get(strings ?? '')?.uncompressedSize ?? 0) > limits.sharedStringsBytes) throw new ImportFileError('FILE_TOO_LARGE');
    const stringsStream = await open(strings);
    const table: string[] = [];
    let chars = 0;
    if (stringsStream) {
      for await (const event of book._parseSharedStrings(stringsStream)) {
        const { text } = event as { text: string | { richText: { text: string | null }[] } | null };
        const plain = text === null ? '' : typeof text === 'string' ? text : text.richText.map((r) => r.text ?? '').join('');
        chars += plain.length;
        if (table.length >= limits.sharedStrings || chars > limits.sharedChars) throw new ImportFileError('FILE_TOO_LARGE');
        table.push(plain);
      }
    }
    // the worksheet reader looks strings up on the workbook reader
    book.sharedStrings = table;
    const styles = await open(byType('styles'), limits.metadataBytes);
    if (styles) await book._parseStyles(styles);

    const firstRId = book.model?.sheets?.[0]?.rId;
    const target = book.workbookRels?.find((r) => r.Id === firstRId)?.Target;
    worksheet = await open(target === undefined ? undefined : partPath(target));
    if (!worksheet) throw new ImportFileError('MALFORMED_FILE');
    let sheet: ExcelJS.stream.xlsx.WorksheetReader | undefined;
    for (const event of book._parseWorksheet(worksheet, '1')) if (event.eventType === 'worksheet') sheet = event.value;
    if (!sheet) throw new ImportFileError('MALFORMED_FILE');
    for await (const row of sheet) yield row;
  } finally {
    worksheet?.destroy();
    zip.close();
  }
}
