import archiver from 'archiver';
import { Readable } from 'node:stream';
import { rowSource } from './file-sources';
import { ImportFileError } from './import-file-error';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook written by hand: one sheet, a header row and one row numbered `r` in the sheet's XML. */
async function workbook(r: string): Promise<Buffer> {
  const zip = archiver.create('zip');
  const chunks: Buffer[] = [];
  zip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    zip.on('end', () => resolve());
    zip.on('error', reject);
  });
  const cell = (ref: string, text: string): string => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
  zip.append(
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
    { name: '[Content_Types].xml' },
  );
  zip.append(`<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>`, { name: '_rels/.rels' });
  zip.append(`<workbook xmlns="${MAIN}" xmlns:r="${DOC}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`, { name: 'xl/workbook.xml' });
  zip.append(`<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`, { name: 'xl/_rels/workbook.xml.rels' });
  zip.append(`<worksheet xmlns="${MAIN}"><sheetData><row r="1">${cell('A1', 'Code')}</row><row r="${r}">${cell(`A${r}`, 'XR-1')}</row></sheetData></worksheet>`, {
    name: 'xl/worksheets/sheet1.xml',
  });
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function rowsOf(file: Buffer): Promise<unknown> {
  const out: { rowNumber: number; cells: unknown[] }[] = [];
  try {
    for await (const row of rowSource('xlsx', Readable.from([file]))) out.push(row);
    return out;
  } catch (err) {
    return err instanceof ImportFileError ? err.reason : err;
  }
}

describe('rowSource (xlsx)', () => {
  it('gives the sheet’s own row numbers, and refuses a row number no Excel sheet has (below 1, past its last row) as MALFORMED_FILE', async () => {
    expect(await rowsOf(await workbook('2'))).toEqual([
      { rowNumber: 1, cells: ['Code'] },
      { rowNumber: 2, cells: ['XR-1'] },
    ]);
    // a negative number would seal the row's fields to an id the accept never gives (staging.ts: stagedRowId)
    for (const r of ['-5', '0', '1048577']) expect({ r, got: await rowsOf(await workbook(r)) }).toEqual({ r, got: 'MALFORMED_FILE' });
  });
});
