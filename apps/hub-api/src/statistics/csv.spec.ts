import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null], [3, 0]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n3,0\r\n');
  });

  it('defuses text a spreadsheet would read as a formula, also behind a tab or a carriage return', () => {
    const out = toCsv(['v'], [['=1+1'], ['+1'], ['-1'], ['@SUM(A1)'], ['\t=1+1'], ['\r=1+1']]);
    expect(out).toBe(`v\r\n'=1+1\r\n'+1\r\n'-1\r\n'@SUM(A1)\r\n'\t=1+1\r\n"'\r=1+1"\r\n`);
    // numbers are figures, not text: never prefixed
    expect(toCsv(['v'], [[-1]])).toBe('v\r\n-1\r\n');
    expect(toCsv(['v'], [['plain']])).toBe('v\r\nplain\r\n');
  });
});
