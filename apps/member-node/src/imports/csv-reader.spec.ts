import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { detectDelimiter, readCsv } from './csv-reader';

/** The reference: csv-parse with the options the import used before it had its own reader, and the delimiter of the header line. */
function reference(text: string): string[][] | 'error' {
  try {
    const delimiter = detectDelimiter(text.replace(/^\ufeff/, ''));
    const records: unknown = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 1_000_000 });
    return records as string[][];
  } catch {
    return 'error';
  }
}

/** Our reader over the bytes cut into chunks at the given places (multi-byte letters split included): records and their rows. */
async function ours(text: string, cuts: number[]): Promise<{ records: string[][]; rows: number[] } | 'error'> {
  const bytes = Buffer.from(text, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, c));
    from = c;
  }
  try {
    const records: string[][] = [];
    const rows: number[] = [];
    for await (const batch of readCsv(Readable.from(chunks.filter((c) => c.length > 0)))) {
      records.push(...batch.records);
      rows.push(...batch.rows);
    }
    return { records, rows };
  } catch {
    return 'error';
  }
}

const padding = fc.constantFrom('a', 'b', 'й', 'ӯ', '1', ' ', '-', '.');
const letter = fc.oneof(padding, fc.constant('\t'));
const anyChar = fc.constantFrom('a', 'й', ' ', '\t', '"', ',', ';', '😀');
const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;

type Field = { v: string; quoted: boolean };
const fieldOf = (unquoted: fc.Arbitrary<string>): fc.Arbitrary<Field> =>
  fc.oneof(
    fc.string({ unit: unquoted, maxLength: 6 }).map((v) => ({ v, quoted: false })),
    fc.string({ unit: fc.constantFrom('a', ' ', '"', ',', ';', '\t', '\n', '\r\n', 'й'), maxLength: 6 }).map((v) => ({ v, quoted: true })),
  );

/**
 * Well-formed files with a header of two fields or more: quoted fields may hold delimiters,
 * quotes and newlines; padding around fields (tabs only where tab is not the delimiter).
 * With the rows of their records as a spreadsheet shows them (a blank line is no record, but a row; a
 * line break in a quoted value is no new row).
 */
const wellFormed = fc
  .constantFrom(',', ';', '\t')
  .chain((delimiter) => {
    const field = fieldOf(delimiter === '\t' ? padding : letter);
    return fc.record({
      newline: fc.constantFrom('\n', '\r\n'),
      delimiter: fc.constant(delimiter),
      bom: fc.boolean(),
      // a header line of nothing but padding and tabs would be read as a blank line
      header: fc.array(field, { minLength: 2, maxLength: 5 }).filter((h) => h.some((f) => f.quoted || f.v.trim() !== '')),
      rows: fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
      trailingNewline: fc.boolean(),
    });
  })
  .map(({ newline, delimiter, bom, header, rows, trailingNewline }) => {
    const all = [header, ...rows];
    const body = all.map((r) => r.map((f) => (f.quoted ? ` ${quote(f.v)} ` : f.v)).join(delimiter)).join(newline);
    // a record's row is its place among the lines of the table, blank ones included, whatever its quoted values hold
    const recordRows: number[] = [];
    all.forEach((r, i) => {
      const blank = r.length === 1 && !r[0].quoted && r[0].v.trim() === '';
      if (!blank) recordRows.push(i + 1);
    });
    return { text: (bom ? '\ufeff' : '') + body + (trailingNewline ? newline : ''), rows: recordRows };
  });

/** Arbitrary junk over the characters that matter, with one kind of newline. */
const junk = fc
  .tuple(fc.constantFrom('\n', '\r\n'), fc.array(fc.oneof(anyChar, fc.constant('NL')), { maxLength: 40 }))
  .map(([nl, cs]) => cs.map((c) => (c === 'NL' ? nl : c)).join(''));

describe('CSV reader', () => {
  it('reads well-formed files as csv-parse does with the delimiter of the header, whatever the chunking, with the rows of their records', async () => {
    await fc.assert(
      fc.asyncProperty(wellFormed, fc.array(fc.nat(400), { maxLength: 6 }), async ({ text, rows }, cuts) => {
        const expected = reference(text);
        expect(expected).not.toBe('error');
        expect(await ours(text, cuts)).toEqual({ records: expected, rows });
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses what csv-parse refuses and reads what it reads, on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(junk, fc.array(fc.nat(100), { maxLength: 4 }), async (text, cuts) => {
        const expected = reference(text);
        const got = await ours(text, cuts);
        // csv-parse's one quirk here: an empty quoted field, blanks, then another quote ("" "") is read as an
        // empty field, where "a" "" or "" "x" is refused (INVALID_OPENING_QUOTE, CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE);
        // our reader refuses them all (found by this test under a random seed)
        if (got === 'error' && expected !== 'error' && /""[ \t]+"/.test(text)) return;
        expect(got === 'error' ? got : got.records).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  /** Records and their rows, the bytes given whole or one byte a chunk. */
  async function read(bytes: Buffer, byteByByte = false): Promise<{ records: string[][]; rows: number[] }> {
    const chunks = byteByByte ? Array.from(bytes, (b) => Buffer.of(b)) : [bytes];
    const records: string[][] = [];
    const rows: number[] = [];
    for await (const batch of readCsv(Readable.from(chunks))) {
      records.push(...batch.records);
      rows.push(...batch.rows);
    }
    return { records, rows };
  }
  const failure = async (bytes: Buffer): Promise<unknown> => read(bytes).then(() => 'read', (err: unknown) => err);

  it('splits on the delimiter of the header line only: commas in a semicolon file, semicolons in a comma file', async () => {
    const excel = '\ufeffКод;Адрес;Примечание\r\nA-1;г. Душанбе, ул. Синтетическая, 12;Муж избил, угрожал\r\n';
    for (const byteByByte of [false, true]) {
      expect((await read(Buffer.from(excel), byteByByte)).records).toEqual([
        ['Код', 'Адрес', 'Примечание'],
        ['A-1', 'г. Душанбе, ул. Синтетическая, 12', 'Муж избил, угрожал'],
      ]);
    }
    expect((await read(Buffer.from('code,types\nA-1,physical_assault;psychological_emotional_abuse\n'))).records).toEqual([
      ['code', 'types'],
      ['A-1', 'physical_assault;psychological_emotional_abuse'],
    ]);
    // delimiters inside a quoted header do not count; blank lines before the header are skipped
    expect((await read(Buffer.from('\n  \n"a;b;c",d,e\n1;2,3,4\n'))).records).toEqual([
      ['a;b;c', 'd', 'e'],
      ['1;2', '3', '4'],
    ]);
    // tab-separated when the header has neither commas nor semicolons
    expect((await read(Buffer.from('a\tb\tc\n1, 2\t x;y \t3\n'))).records).toEqual([
      ['a', 'b', 'c'],
      ['1, 2', 'x;y', '3'],
    ]);
  });

  it('gives each record its row as a spreadsheet shows it: blank lines count, line breaks inside quotes do not', async () => {
    const text = 'a;b\r\n\r\n1;2\r\n"x\r\ny";3\r\n \r\n"p\nq\rr";4\n5;6';
    for (const byteByByte of [false, true]) {
      expect(await read(Buffer.from(text), byteByByte)).toEqual({
        records: [['a', 'b'], ['1', '2'], ['x\r\ny', '3'], ['p\nq\rr', '4'], ['5', '6']],
        rows: [1, 3, 4, 6, 7],
      });
    }
  });

  it('names the row of the record where a malformed file breaks', async () => {
    expect(await failure(Buffer.from('a;b\n1;2\n\n3;5" tall\n4;5\n'))).toMatchObject({ code: 'CSV_INVALID_OPENING_QUOTE', row: 4 });
    expect(await failure(Buffer.from('a;b\n1;2\n"not\nclosed;3\n4;5\n'))).toMatchObject({ code: 'CSV_QUOTE_NOT_CLOSED', row: 3 });
    expect(await failure(Buffer.from('a;b\n"x\ny"z;1\n'))).toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE', row: 2 });
  });

  it('reads Windows-1251 when the start of the file is not UTF-8, and UTF-16 with a byte order mark', async () => {
    const cp1251 = new Map<string, number>();
    const decoder = new TextDecoder('windows-1251');
    for (let b = 0; b < 256; b++) cp1251.set(decoder.decode(Uint8Array.of(b)), b);
    const encode = (text: string): Buffer => Buffer.from(Array.from(text, (c) => cp1251.get(c)!));
    const text = 'Код клиента;Пол;Ёлка\r\nA-1;жен;«ёж» №5\r\n';
    const expected = [['Код клиента', 'Пол', 'Ёлка'], ['A-1', 'жен', '«ёж» №5']];
    for (const byteByByte of [false, true]) expect((await read(encode(text), byteByByte)).records).toEqual(expected);
    // UTF-8 letters cut at the end of the first 64 KB stay UTF-8
    const long = `a;b\n${'й'.repeat(40_000)};ӯ\n`;
    expect((await read(Buffer.from(long))).records).toEqual([['a', 'b'], ['й'.repeat(40_000), 'ӯ']]);
    expect((await read(Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, 'utf16le')]))).records).toEqual(expected);
  });

  it('refuses a file that is not UTF-8 after a first part that was, and one with NUL bytes, naming no content', async () => {
    const head = `a;b\n${'x;y\n'.repeat(20_000)}`;
    expect(await failure(Buffer.concat([Buffer.from(head), Buffer.of(0xcf, 0xee, 0xeb, 0x0a)]))).toMatchObject({ code: 'CSV_INVALID_ENCODING' });
    expect(await failure(Buffer.from('a\u0000;\u0000b\n'))).toMatchObject({ code: 'CSV_INVALID_ENCODING' });
  });

  it('refuses a record of too many fields or too much text quickly, whatever the chunking (it was parsed again from its start at every chunk)', async () => {
    const chunks = (text: string): Readable => Readable.from(Array.from({ length: Math.ceil(text.length / 65_536) }, (_, i) => Buffer.from(text.slice(i * 65_536, (i + 1) * 65_536))));
    const refusal = (text: string): Promise<unknown> =>
      (async () => {
        for await (const batch of readCsv(chunks(text))) void batch;
        return 'read';
      })().catch((err: unknown) => err);
    const started = performance.now();
    for (const text of [`a;b\n${';'.repeat(6_000_000)}\n`, `a;b\n"${'x'.repeat(3_000_000)}`, `a;b\n${'x'.repeat(3_000_000)}\n`]) {
      expect(await refusal(text)).toMatchObject({ code: 'CSV_MAX_RECORD_SIZE' });
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    // a wide but sane record still reads
    expect((await read(Buffer.from(`a;b\n${Array.from({ length: 500 }, (_, i) => `v${i}`).join(';')}\n`))).records[1]).toHaveLength(500);
  }, 30_000);

  it('names the problem of a malformed file without quoting it', async () => {
    const records = readCsv(Readable.from([Buffer.from('a,"secret\n"c,d')]));
    await expect(records.next()).rejects.toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE', message: expect.not.stringContaining('secret') as unknown });
  });
});
