import ExcelJS from 'exceljs';
import * as yauzl from 'yauzl';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ImportFileError } from './import-file-error';
import { sweepStaleSpools, XLSX_LIMITS, XlsxLimits, xlsxWorksheetRows } from './xlsx-reader';

/** Synthetic values only. */
const MARKER = 'Синтетика Маркерова';

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const later = wb.addWorksheet('Архив');
  later.addRow(['не этот лист']);
  const first = wb.addWorksheet('Журнал');
  first.addRow(['Шифр', 'ФИО', 'Дата', 'Год', 'Согласие']);
  first.addRow(['XR-001', MARKER, new Date(Date.UTC(2025, 7, 5)), 1990, true]);
  first.addRow(['XR-002', 'Другая Синтетика', new Date(Date.UTC(2025, 7, 6)), 1991, false]);
  // The second sheet written (sheet2.xml) is the first in the workbook's order (exceljs' `orderNo`, not in its typings).
  Object.assign(later, { orderNo: 1 });
  Object.assign(first, { orderNo: 0 });
  // Stored, not deflated, so that the marker is visible in the file itself.
  return Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } }));
}

function chunked(file: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < file.length; i += size) parts.push(file.subarray(i, i + size));
  return Readable.from(parts);
}

async function rowsOf(input: Readable, tmp: string): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const row of xlsxWorksheetRows(input, tmp)) rows.push((row.values as unknown[]).slice(1));
  return rows;
}

describe('xlsxWorksheetRows', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'xlsx-reader-spec-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads the first sheet in the workbook’s order, with shared strings, dates, numbers and booleans, in any chunking of the upload', async () => {
    const file = await workbook();
    const names = file.toString('latin1');
    // As exceljs writes it: the worksheets before the shared strings, the workbook part last.
    expect(names.indexOf('xl/worksheets/sheet2.xml')).toBeLessThan(names.indexOf('xl/sharedStrings.xml'));
    expect(names.indexOf('xl/sharedStrings.xml')).toBeLessThan(names.lastIndexOf('xl/workbook.xml'));
    const expected = [
      ['Шифр', 'ФИО', 'Дата', 'Год', 'Согласие'],
      ['XR-001', MARKER, new Date(Date.UTC(2025, 7, 5)), 1990, true],
      ['XR-002', 'Другая Синтетика', new Date(Date.UTC(2025, 7, 6)), 1991, false],
    ];
    for (const size of [1, 7, 100, 4096, file.length]) expect(await rowsOf(chunked(file, size), tmp)).toEqual(expected);
  });

  it('keeps every Cyrillic and Tajik letter whole, wherever the archive’s reads split its bytes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Журнал');
    // Far more than one 64 KiB read of shared strings and of the sheet, in two-byte letters.
    const texts = Array.from({ length: 4_000 }, (_, i) => `Синтетическое описание ҳодисаи ${i}: зӯроварии ҷисмонӣ`);
    ws.addRow(['Описание']);
    for (const t of texts) ws.addRow([t]);
    for (const compression of ['STORE', 'DEFLATE'] as const) {
      const file = Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression } }));
      expect((await rowsOf(chunked(file, 65_536), tmp)).map(([t]) => t)).toEqual(['Описание', ...texts]);
    }
  });

  it('keeps the upload on disk only encrypted, and removes it when the rows are read or reading stops', async () => {
    const file = await workbook();
    expect(file.includes(Buffer.from(MARKER))).toBe(true);
    const rows = xlsxWorksheetRows(chunked(file, 1000), tmp);
    await rows.next();
    const [dir] = readdirSync(tmp);
    expect(dir).toMatch(new RegExp(`^paivand-import-${process.pid}-[0-9a-f]{8}-[A-Za-z0-9]{6}$`));
    // a node starting meanwhile leaves the spool of a live import alone
    expect(await sweepStaleSpools(tmp)).toBe(0);
    expect(readdirSync(tmp)).toEqual([dir]);
    const spool = readFileSync(join(tmp, dir, 'upload'));
    expect(spool.length).toBe(file.length);
    expect(spool.includes(Buffer.from(MARKER))).toBe(false);
    expect(spool.includes(Buffer.from('sharedStrings'))).toBe(false);
    await rows.return(undefined);
    expect(readdirSync(tmp)).toEqual([]);

    expect(await rowsOf(chunked(file, 1000), tmp)).toHaveLength(3);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses what is not an XLSX workbook as MALFORMED_FILE and leaves nothing behind', async () => {
    const file = await workbook();
    const refusal = (input: Buffer): Promise<unknown> => rowsOf(Readable.from([input]), tmp).catch((err: unknown) => err);
    for (const bad of [Buffer.from('Шифр;ФИО\nXR-001;x\n'), file.subarray(0, file.length - 200), Buffer.alloc(0)]) {
      const err = await refusal(bad);
      expect(err).toBeInstanceOf(ImportFileError);
      expect((err as ImportFileError).reason).toBe('MALFORMED_FILE');
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses, as FILE_TOO_LARGE, more shared strings or characters than it holds, and a text longer than a cell can be; leaves nothing behind', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Журнал');
    ws.addRow(['Шифр', 'Описание']);
    // rich text too, which the reader keeps as plain text
    for (let i = 0; i < 5; i++) ws.addRow([`XR-${i}`, { richText: [{ font: { bold: true }, text: `синтетика ${i} ` }, { text: 'x'.repeat(50) }] }]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const read = (limits: Partial<XlsxLimits>): Promise<unknown> =>
      (async () => {
        const rows: unknown[][] = [];
        for await (const row of xlsxWorksheetRows(Readable.from([file]), tmp, { ...XLSX_LIMITS, ...limits })) rows.push((row.values as unknown[]).slice(1));
        return rows;
      })().catch((err: unknown) => err);
    const rows = (await read({})) as unknown[][];
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual(['XR-0', `синтетика 0 ${'x'.repeat(50)}`]);
    for (const limits of [{ sharedStrings: 5 }, { sharedChars: 200 }, { textChars: 40 }, { partBytes: 100 }]) {
      const err = await read(limits);
      expect({ limits, err: err instanceof ImportFileError ? err.reason : String(err) }).toEqual({ limits, err: 'FILE_TOO_LARGE' });
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses, as FILE_TOO_LARGE, a styles part larger than it builds in memory (a few bytes of upload can inflate to a gigabyte of empty styles)', async () => {
    const file = await workbook();
    const zip = await yauzl.fromBufferPromise(file, { lazyEntries: true });
    const size = new Map<string, number>();
    for await (const entry of zip.eachEntry()) size.set(entry.fileName, entry.uncompressedSize);
    const styles = size.get('xl/styles.xml') as number;
    const others = Math.max(size.get('xl/workbook.xml') as number, size.get('xl/_rels/workbook.xml.rels') as number);
    expect(styles).toBeGreaterThan(others);
    const read = (metadataBytes: number): Promise<unknown> =>
      (async () => {
        const rows: unknown[][] = [];
        for await (const row of xlsxWorksheetRows(Readable.from([file]), tmp, { ...XLSX_LIMITS, metadataBytes })) rows.push((row.values as unknown[]).slice(1));
        return rows;
      })().catch((err: unknown) => (err instanceof ImportFileError ? err.reason : err));
    expect(await read(others)).toBe('FILE_TOO_LARGE');
    expect(await read(styles)).toHaveLength(3);
    expect(XLSX_LIMITS.metadataBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('sweeps the spools of processes that are gone, and only those', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const spools = {
      ofGoneProcess: `paivand-import-${gone}-0badf00d-aB3dE9`,
      // a process killed earlier that had this process's pid (a node restarted in its container is process 1 again)
      ofEarlierSamePid: `paivand-import-${process.pid}-0badf00d-Cc4dD5`,
      ofLiveProcess: `paivand-import-${process.ppid}-0badf00d-Xy12Zq`,
      unownedOld: 'paivand-import-Qw12Er',
      unownedRecent: 'paivand-import-Ty34Ui',
      notASpool: 'paivand-import-notes',
      unrelated: 'other-program-aB3dE9',
    };
    for (const name of Object.values(spools)) {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, 'upload'), 'ciphertext');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(tmp, spools.unownedOld), twoDaysAgo, twoDaysAgo);
    expect(await sweepStaleSpools(tmp)).toBe(3);
    expect(readdirSync(tmp).sort()).toEqual([spools.ofLiveProcess, spools.unownedRecent, spools.notASpool, spools.unrelated].sort());
    expect(await sweepStaleSpools(join(tmp, 'no-such-dir'))).toBe(0);
  });
});
