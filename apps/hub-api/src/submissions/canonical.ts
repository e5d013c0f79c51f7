import { canonicalJson, SubmissionCell, SubmissionPayload } from '@paivand/schema';

/**
 * The canonical JSON of cells checked by `checkShape` (exactly confStatus, key, obsStatus,
 * value), written directly: byte for byte what `canonicalJson` gives, several times faster.
 */
export function canonicalCells(cells: readonly SubmissionCell[]): string {
  const parts = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    let key = '';
    for (let j = 0; j < c.key.length; j++) key += (j ? ',' : '') + JSON.stringify(c.key[j]);
    parts[i] = `{"confStatus":${JSON.stringify(c.confStatus)},"key":[${key}],"obsStatus":${JSON.stringify(c.obsStatus)},"value":${c.value === null ? 'null' : JSON.stringify(c.value)}}`;
  }
  return `[${parts.join(',')}]`;
}

/** "cells" sorts first among the payload's keys and among the content's keys, so it can be spliced in front. */
function withCells(cellsJson: string, rest: Record<string, unknown>): string {
  const tail = canonicalJson(rest);
  return tail === '{}' ? `{"cells":${cellsJson}}` : `{"cells":${cellsJson},${tail.slice(1)}`;
}

/** Canonical JSON of the content (for the content hash) and of the whole payload (the signed bytes). */
export function canonicalForms(p: SubmissionPayload): { content: string; signed: string } {
  const cellsJson = canonicalCells(p.cells);
  const { cells: _cells, ...rest } = p;
  void _cells;
  const content = withCells(cellsJson, {
    datasetId: p.datasetId,
    schemaVersion: p.schemaVersion,
    period: p.period,
    dimensions: p.dimensions,
    protection: p.protection,
  });
  return { content, signed: withCells(cellsJson, rest) };
}
