import type { SubmissionCell } from '@paivand/schema';
import { cellCopyChunks } from './copy-cells';

describe('cellCopyChunks (COPY text rows of submission_cells)', () => {
  const id = '00000000-0000-4000-8000-000000000001';

  it('writes one row per cell: id, index, array key, value or \\N, statuses', () => {
    const text = [...cellCopyChunks(id, [
      { key: ['TJ-DU', '_T'], value: 12, obsStatus: 'A', confStatus: 'F' },
      { key: ['Y0T17', 'female'], value: null, obsStatus: 'A', confStatus: 'D' },
    ])].join('');
    expect(text).toBe(`${id}\t0\t{TJ-DU,_T}\t12\tA\tF\n${id}\t1\t{Y0T17,female}\t\\N\tA\tD\n`);
  });

  it('quotes array elements and escapes COPY specials, so odd codes cannot break the row', () => {
    const [text] = [...cellCopyChunks(id, [{ key: ['a,b', 'x"y\\z', 'NULL', '', 'tab\there'], value: 0, obsStatus: 'A', confStatus: 'F' }])];
    // Array literal {"a,b","x\"y\\z","NULL","","tab<TAB>here"}, then COPY doubles backslashes and writes the tab as \t.
    expect(text).toBe(`${id}\t0\t{"a,b","x\\\\"y\\\\\\\\z","NULL","","tab\\there"}\t0\tA\tF\n`);
  });

  it('splits large submissions into chunks of whole rows', () => {
    const cells: SubmissionCell[] = Array.from({ length: 4500 }, (_, i) => ({ key: [`c${i}`], value: i, obsStatus: 'A', confStatus: 'F' }));
    const chunks = [...cellCopyChunks(id, cells)];
    expect(chunks.length).toBe(3);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.join('').split('\n').length - 1).toBe(4500);
  });
});
