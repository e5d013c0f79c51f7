import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { readCsv } from './csv-reader';

/** The reference: csv-parse with the options the import used before it had its own reader. */
function reference(text: string): string[][] | 'error' {
  try {
    const records: unknown = parse(text, { bom: true, delimiter: [',', ';'], relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 1_000_000 });
    return records as string[][];
  } catch {
    return 'error';
  }
}

/** Our reader over the bytes cut into chunks at the given places (multi-byte letters split included). */
async function ours(text: string, cuts: number[]): Promise<string[][] | 'error'> {
  const bytes = Buffer.from(text, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, c));
    from = c;
  }
  try {
    const out: string[][] = [];
    for await (const records of readCsv(Readable.from(chunks.filter((c) => c.length > 0)))) out.push(...records);
    return out;
  } catch {
    return 'error';
  }
}

const letter = fc.constantFrom('a', 'b', 'й', 'ӯ', '1', ' ', '\t', '-', '.');
const anyChar = fc.constantFrom('a', 'й', ' ', '\t', '"', ',', ';', '😀');
const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/** Well-formed files: quoted fields may hold delimiters, quotes and newlines; padding around fields. */
const wellFormed = fc
  .record({
    newline: fc.constantFrom('\n', '\r\n'),
    delimiter: fc.constantFrom(',', ';'),
    bom: fc.boolean(),
    rows: fc.array(
      fc.array(
        fc.oneof(
          fc.string({ unit: letter, maxLength: 6 }).map((v) => ({ v, quoted: false })),
          fc.string({ unit: fc.constantFrom('a', ' ', '"', ',', ';', '\n', '\r\n', 'й'), maxLength: 6 }).map((v) => ({ v, quoted: true })),
        ),
        { minLength: 1, maxLength: 5 },
      ),
      { maxLength: 8 },
    ),
    trailingNewline: fc.boolean(),
  })
  .map(({ newline, delimiter, bom, rows, trailingNewline }) => {
    const body = rows.map((r) => r.map((f) => (f.quoted ? ` ${quote(f.v)} ` : f.v)).join(delimiter)).join(newline);
    return (bom ? '\ufeff' : '') + body + (trailingNewline ? newline : '');
  });

/** Arbitrary junk over the characters that matter, with one kind of newline. */
const junk = fc
  .tuple(fc.constantFrom('\n', '\r\n'), fc.array(fc.oneof(anyChar, fc.constant('NL')), { maxLength: 40 }))
  .map(([nl, cs]) => cs.map((c) => (c === 'NL' ? nl : c)).join(''));

describe('CSV reader', () => {
  it('reads well-formed files as csv-parse did, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(wellFormed, fc.array(fc.nat(400), { maxLength: 6 }), async (text, cuts) => {
        const expected = reference(text);
        expect(expected).not.toBe('error');
        expect(await ours(text, cuts)).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses what csv-parse refused and reads what it read, on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(junk, fc.array(fc.nat(100), { maxLength: 4 }), async (text, cuts) => {
        expect(await ours(text, cuts)).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('names the problem of a malformed file without quoting it', async () => {
    const records = readCsv(Readable.from([Buffer.from('a,"secret\n"c,d')]));
    await expect(records.next()).rejects.toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE', message: expect.not.stringContaining('secret') as unknown });
  });
});
