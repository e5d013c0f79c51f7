import type { ExportValue } from './export-rows';

/** One RFC 4180 line. A text starting with `=` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula. */
export function csvLine(values: readonly ExportValue[]): string {
  return (
    values
      .map((v) => {
        if (v === null) return '';
        let s = String(v);
        if (typeof v === 'string' && /^[=@]/.test(s)) s = `'${s}`;
        return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

export async function* csvLines(header: readonly string[], rows: AsyncIterable<ExportValue[]>): AsyncGenerator<string> {
  yield '\ufeff' + csvLine(header);
  for await (const r of rows) yield csvLine(r);
}
