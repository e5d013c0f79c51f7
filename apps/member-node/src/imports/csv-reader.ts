import { TextDecoder } from 'node:util';

/**
 * A streaming CSV reader for import files, written for speed (csv-parse was a fifth of an
 * import's time). It reads what `csv-parse` reads with the options the import used (`bom`,
 * `trim`, `skip_empty_lines`, `relax_column_count`, `max_record_size`) and the delimiter of
 * the file's header line (see `detectDelimiter`); `csv-reader.spec.ts` checks both agree on
 * generated files. One difference: every `\r\n`, `\n` or `\r` outside quotes ends a record
 * (csv-parse used the first kind it met and read the others as text).
 *
 * Text: UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1251 (what Russian Excel
 * saves as "CSV") when the first 64 KB are not UTF-8. See `FileDecoder`.
 */
export type CsvErrorCode = 'CSV_QUOTE_NOT_CLOSED' | 'CSV_INVALID_CLOSING_QUOTE' | 'CSV_INVALID_OPENING_QUOTE' | 'CSV_MAX_RECORD_SIZE' | 'CSV_INVALID_ENCODING';

/** A malformed file. The message names the problem and the row, never the text. */
export class CsvError extends Error {
  constructor(
    readonly code: CsvErrorCode,
    /** The row (as CsvBatch counts them) of the record where reading broke; null when it is not known. */
    readonly row: number | null,
  ) {
    super(row === null ? code : `${code} in row ${row}`);
    this.name = 'CsvError';
  }
}

/**
 * Records of a stretch of the file, and the row of each as a spreadsheet shows the file (1 = the
 * first): a record is one row however many line breaks its quoted values hold, a blank line is a row.
 */
export interface CsvBatch {
  records: string[][];
  rows: number[];
}

export type CsvDelimiter = ',' | ';' | '\t';

const COMMA = 44;
const SEMICOLON = 59;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

const MAX_RECORD = 1_000_000;
/**
 * Fields of one record, at most (a register has tens of columns). With the cap on the unparsed
 * tail (MAX_RECORD * 2), this bounds the work of parsing an unfinished record again at each chunk:
 * a line of six million commas took 13 s of the event loop before it was refused.
 */
const MAX_FIELDS = 10_000;
/** The header line is looked for in this many characters at most. */
const DETECT_CHARS = 65_536;
/** Bytes read before the encoding is decided. */
const SNIFF_BYTES = 65_536;

/**
 * The delimiter of a file, from its first non-blank line (record): `;` or `,`, whichever it
 * holds more of outside quotes (`;` on a tie: a header name may hold a comma), else tab if it
 * holds tabs, else `,`. One delimiter per file: a semicolon file keeps the commas of its
 * addresses and notes, a comma file the semicolons of its lists. Looks at the first
 * `DETECT_CHARS` characters at most; undefined when the line has not ended yet (`final`:
 * the whole file is given).
 */
export function detectDelimiter(s: string, final = true): CsvDelimiter | undefined {
  const end = Math.min(s.length, DETECT_CHARS);
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let blank = true;
  let quoted = false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === QUOTE) quoted = false;
      continue;
    }
    if (c === CR || c === LF) {
      if (!blank) return choose(commas, semicolons, tabs);
      tabs = 0;
      continue;
    }
    if (c === QUOTE) quoted = true;
    else if (c === COMMA) commas++;
    else if (c === SEMICOLON) semicolons++;
    else if (c === TAB) {
      tabs++;
      continue;
    } else if (c === SPACE) continue;
    blank = false;
  }
  if (!final && s.length < DETECT_CHARS) return undefined;
  return choose(commas, semicolons, tabs);
}

function choose(commas: number, semicolons: number, tabs: number): CsvDelimiter {
  if (semicolons > 0 && semicolons >= commas) return ';';
  if (commas > 0) return ',';
  return tabs > 0 ? '\t' : ',';
}

/**
 * Where the parse of a stream stands: the delimiter, and the row the unparsed text starts on as a
 * spreadsheet shows the file (a record is one row however many line breaks its quoted values hold;
 * a blank line is a row too).
 */
interface ParseState {
  delimiter: number;
  row: number;
}

/** Parses complete records of `s`; returns where the unparsed tail begins (and leaves its row in `st.row`). */
function parseRecords(s: string, final: boolean, out: string[][], rows: number[], st: ParseState): number {
  const len = s.length;
  const delim = st.delimiter;
  // A tab pads a field unless it separates them.
  const tabIsBlank = delim !== TAB;
  let i = 0;
  let row = st.row;
  // where the record being read starts: an incomplete one is left for the next chunk from there
  let recordStart = 0;
  let recordRow = row;
  const stop = (): number => {
    st.row = recordRow;
    return recordStart;
  };
  records: while (i < len) {
    recordStart = i;
    recordRow = row;
    const fields: string[] = [];
    let size = 0;
    let lastQuoted = false;
    for (;;) {
      let j = i;
      for (; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c !== SPACE && (c !== TAB || !tabIsBlank)) break;
      }
      let value: string;
      let k: number;
      if (j < len && s.charCodeAt(j) === QUOTE) {
        // Quoted: "" is a quote; anything else up to the closing quote is text (delimiters and newlines included).
        k = j + 1;
        value = '';
        for (;;) {
          const q = s.indexOf('"', k);
          if (q < 0 || (q === len - 1 && !final)) {
            if (!final) return stop();
            throw new CsvError('CSV_QUOTE_NOT_CLOSED', recordRow);
          }
          if (q + 1 < len && s.charCodeAt(q + 1) === QUOTE) {
            value += s.slice(k, q + 1);
            k = q + 2;
            continue;
          }
          value += s.slice(k, q);
          k = q + 1;
          break;
        }
        for (; k < len; k++) {
          const c = s.charCodeAt(k);
          if (c !== SPACE && (c !== TAB || !tabIsBlank)) break;
        }
        lastQuoted = true;
        if (k < len) {
          const c = s.charCodeAt(k);
          if (c !== delim && c !== CR && c !== LF) throw new CsvError('CSV_INVALID_CLOSING_QUOTE', recordRow);
        }
      } else {
        k = j;
        while (k < len) {
          const c = s.charCodeAt(k);
          if (c === delim || c === CR || c === LF) break;
          if (c === QUOTE) throw new CsvError('CSV_INVALID_OPENING_QUOTE', recordRow);
          k++;
        }
        let e = k;
        for (; e > j; e--) {
          const c = s.charCodeAt(e - 1);
          if (c !== SPACE && (c !== TAB || !tabIsBlank)) break;
        }
        value = s.slice(j, e);
        lastQuoted = false;
      }
      if (k >= len && !final) return stop();
      size += value.length;
      if (size > MAX_RECORD || fields.length >= MAX_FIELDS) throw new CsvError('CSV_MAX_RECORD_SIZE', recordRow);
      fields.push(value);
      const c = k < len ? s.charCodeAt(k) : -1;
      if (c === delim) {
        i = k + 1;
        continue;
      }
      // End of the record: \r\n, \n, \r or the end of the file.
      if (c === CR) {
        if (k + 1 >= len && !final) return stop();
        i = s.charCodeAt(k + 1) === LF ? k + 2 : k + 1;
      } else i = c === LF ? k + 1 : k;
      row++;
      // An empty (or blank) line is skipped (its row still counts); a line of one quoted empty field is a record.
      if (fields.length === 1 && fields[0] === '' && !lastQuoted) continue records;
      out.push(fields);
      rows.push(recordRow);
      continue records;
    }
  }
  st.row = row;
  return len;
}

/**
 * Bytes to text. The encoding is decided on the first `SNIFF_BYTES` (or the whole file, if
 * shorter): a byte order mark says UTF-8 or UTF-16; else UTF-8 if they are valid UTF-8,
 * else Windows-1251 (the one single-byte encoding a Russian or Tajik Windows writes; any
 * byte is valid in it, so a wrong guess shows as unknown headers and values, never as
 * silently changed ones in a file that reads). A NUL byte without a UTF-16 mark is no text.
 * Decoded UTF-8 or UTF-16 must stay valid to the end: an invalid byte later refuses the
 * file (CSV_INVALID_ENCODING) rather than turning a name into replacement characters.
 */
class FileDecoder {
  private decoder: TextDecoder | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;

  write(chunk: Buffer): string {
    if (this.decoder) return this.decode(chunk, true);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    return this.headBytes < SNIFF_BYTES ? '' : this.start(false);
  }

  end(): string {
    return this.decoder ? this.decode(undefined, false) : this.start(true);
  }

  private start(final: boolean): string {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    const utf16 = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : undefined;
    if (utf16) {
      this.decoder = new TextDecoder(utf16, { fatal: true });
      return this.decode(head, !final);
    }
    if (head.includes(0)) throw new CsvError('CSV_INVALID_ENCODING', null);
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let text: string;
    try {
      text = utf8.decode(head.subarray(0, SNIFF_BYTES), { stream: true });
    } catch {
      const hasBom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
      if (hasBom) throw new CsvError('CSV_INVALID_ENCODING', null);
      this.decoder = new TextDecoder('windows-1251');
      return this.decoder.decode(head, { stream: !final });
    }
    this.decoder = utf8;
    return text + this.decode(head.subarray(SNIFF_BYTES), !final);
  }

  private decode(bytes: Buffer | undefined, stream: boolean): string {
    try {
      return this.decoder!.decode(bytes, { stream });
    } catch {
      throw new CsvError('CSV_INVALID_ENCODING', null);
    }
  }
}

/** Records of a CSV stream, as arrays of trimmed cell texts with the row of each (CsvBatch). */
export async function* readCsv(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvBatch> {
  const decoder = new FileDecoder();
  const st: ParseState = { delimiter: -1, row: 1 };
  let tail = '';
  let first = true;
  const take = (text: string, final: boolean): CsvBatch | undefined => {
    let s = tail + text;
    if (first && s.length > 0) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    if (st.delimiter < 0) {
      const d = detectDelimiter(s, final);
      if (d === undefined) {
        tail = s;
        return undefined;
      }
      st.delimiter = d.charCodeAt(0);
    }
    const records: string[][] = [];
    const rows: number[] = [];
    const at = parseRecords(s, final, records, rows, st);
    tail = s.slice(at);
    if (!final && tail.length > MAX_RECORD * 2) throw new CsvError('CSV_MAX_RECORD_SIZE', st.row);
    return records.length > 0 ? { records, rows } : undefined;
  };
  for await (const chunk of input) {
    const batch = take(typeof chunk === 'string' ? chunk : decoder.write(chunk), false);
    if (batch) yield batch;
  }
  const batch = take(decoder.end(), true);
  if (batch) yield batch;
}
