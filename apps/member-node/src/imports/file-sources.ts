import type ExcelJS from 'exceljs';
import type { Readable } from 'node:stream';
import { readCsv } from './csv-reader';
import type { ImportFormat } from './import-job.entity';
import type { Cell } from './row-mapper';
import { xlsxWorksheetRows } from './xlsx-reader';
import { ImportFileError } from './import-file-error';

/** Rows of a file as cells with their row number as a spreadsheet shows it (header = 1), streamed. */
export type RowSource = AsyncIterable<{ rowNumber: number; cells: Cell[] }>;

/**
 * CSV with `,`, `;` (Excel in a Russian locale writes `;`) or tab, the one its header line uses;
 * UTF-8, UTF-16 with a BOM or Windows-1251 (see csv-reader.ts). A record's row number is its row
 * as a spreadsheet opening the file shows it: blank lines count, line breaks inside a quoted value
 * (a note typed over several lines) do not.
 */
async function* csvRows(input: Readable): RowSource {
  for await (const { records, rows } of readCsv(input as AsyncIterable<Buffer>)) {
    for (let i = 0; i < records.length; i++) yield { rowNumber: rows[i], cells: records[i] };
  }
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellValue(v.result);
  }
  return undefined;
}

/** Excel's last row. */
const XLSX_MAX_ROW = 1_048_576;

/** The first worksheet of an XLSX workbook (see xlsx-reader.ts for why not exceljs' streaming reader as it is). */
async function* xlsxRows(input: Readable): RowSource {
  for await (const row of xlsxWorksheetRows(input)) {
    // the sheet's own row numbers (`<row r="...">`): a row of the register is 1 to 1,048,576 (Excel's last row); any other
    // number (negative, past the int4 the staging keeps) is no workbook Excel wrote, and would seal the row to an id
    // the accept never gives it (staging.ts: stagedRowId)
    if (!Number.isInteger(row.number) || row.number < 1 || row.number > XLSX_MAX_ROW) throw new ImportFileError('MALFORMED_FILE');
    const values = row.values as ExcelJS.CellValue[];
    // exceljs rows are 1-based: values[0] is empty.
    yield { rowNumber: row.number, cells: Array.from(values.slice(1), cellValue) };
  }
}

export function rowSource(format: ImportFormat, input: Readable): RowSource {
  switch (format) {
    case 'csv':
      return csvRows(input);
    case 'xlsx':
      return xlsxRows(input);
  }
}
