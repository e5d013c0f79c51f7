import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SubmissionCell } from '@paivand/schema';

/** Rows per chunk handed to the COPY stream: big enough to amortise the stream, small enough to keep memory flat. */
const CHUNK_ROWS = 2_000;

/** One element of a Postgres array literal: quoted when it holds anything the array syntax gives a meaning to. */
function arrayElement(code: string): string {
  return /^[A-Za-z0-9_.:-]+$/.test(code) && code.toUpperCase() !== 'NULL' ? code : `"${code.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** A field of COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyField(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

/**
 * The rows of `submission_cells` for one submission in COPY text format, in chunks. Keys repeat
 * the same few codes thousands of times, so each distinct key element and status is escaped once.
 */
export function* cellCopyChunks(submissionId: string, cells: readonly SubmissionCell[]): Generator<string> {
  const memo = (f: (s: string) => string): ((s: string) => string) => {
    const seen = new Map<string, string>();
    return (s) => {
      let e = seen.get(s);
      if (e === undefined) {
        e = f(s);
        seen.set(s, e);
      }
      return e;
    };
  };
  const element = memo((code) => copyField(arrayElement(code)));
  const status = memo(copyField);
  const prefix = `${copyField(submissionId)}\t`;
  let chunk = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    let key = '{';
    for (let d = 0; d < c.key.length; d++) key += (d ? ',' : '') + element(c.key[d]);
    const value = c.value === null ? '\\N' : String(c.value);
    chunk += `${prefix}${i}\t${key}}\t${value}\t${status(c.obsStatus)}\t${status(c.confStatus)}\n`;
    if ((i + 1) % CHUNK_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Writes every cell of a submission with one COPY FROM STDIN on the caller's (transaction's) connection. */
export async function copyCells(client: PoolClient, submissionId: string, cells: readonly SubmissionCell[]): Promise<void> {
  const sink = client.query(copyFrom('COPY submission_cells (submission_id, idx, key, value, obs_status, conf_status) FROM STDIN'));
  await pipeline(Readable.from(cellCopyChunks(submissionId, cells)), sink);
}
