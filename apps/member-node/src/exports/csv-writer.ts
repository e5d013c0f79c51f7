import type { ExportValue } from './export-rows';

/**
 * A text a spreadsheet would read as a formula: starting with `=`, `+`, `-` or `@`, or with a tab or
 * carriage return before one (OWASP's list). `+HYPERLINK("https://...?"&I2,"open")` in a narrative
 * would otherwise send the row's name and phone away when a manager opens the file in Excel.
 */
export const FORMULA_CHARS = '[=+\\-@\\t\\r]';
export const FORMULA_START = new RegExp(`^${FORMULA_CHARS}`);

/** One RFC 4180 line. A text that a spreadsheet would read as a formula gets a leading `'` (the import takes it off again). */
export function csvLine(values: readonly ExportValue[]): string {
  return (
    values
      .map((v) => {
        if (v === null) return '';
        let s = String(v);
        if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
        return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

export async function* csvLines(header: readonly string[], rows: AsyncIterable<ExportValue[]>): AsyncGenerator<string> {
  yield '\ufeff' + csvLine(header);
  for await (const r of rows) yield csvLine(r);
}
