import { claimMismatch, detectFileType } from './content-type';
import { zipEntryNames } from './zip-entries';
import { buildZip } from '../../../test/fixtures/libraries/zip';

describe('detectFileType', () => {
  it('recognises PDF, PNG and JPEG by their signatures', () => {
    expect(detectFileType(Buffer.from('%PDF-1.4\n...'))).toBe('pdf');
    expect(detectFileType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))).toBe('png');
    expect(detectFileType(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('jpeg');
  });

  it('tells DOCX from XLSX by the parts inside the ZIP, and refuses a plain ZIP', () => {
    const docx = buildZip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    const xlsx = buildZip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
    const plain = buildZip({ 'readme.txt': 'hello' });
    expect(zipEntryNames(docx)).toEqual(['[Content_Types].xml', 'word/document.xml']);
    expect(detectFileType(docx)).toBe('docx');
    expect(detectFileType(xlsx)).toBe('xlsx');
    expect(detectFileType(plain)).toBeUndefined();
  });

  it('refuses text, HTML and truncated ZIPs', () => {
    expect(detectFileType(Buffer.from('<html><script>alert(1)</script></html>'))).toBeUndefined();
    expect(detectFileType(Buffer.from('PK\x03\x04garbage', 'latin1'))).toBeUndefined();
    expect(detectFileType(Buffer.alloc(0))).toBeUndefined();
  });

  it('flags a file name or declared type that disagrees with the bytes', () => {
    expect(claimMismatch('pdf', 'paper.pdf', 'application/pdf')).toBeUndefined();
    expect(claimMismatch('pdf', 'paper.pdf', 'application/octet-stream')).toBeUndefined();
    expect(claimMismatch('png', 'paper.pdf', undefined)).toMatch(/ends in "\.pdf"/);
    expect(claimMismatch('pdf', 'paper.pdf', 'image/png')).toMatch(/declared type image\/png/);
    expect(claimMismatch('jpeg', 'photo.JPG', 'image/jpeg')).toBeUndefined();
  });
});
