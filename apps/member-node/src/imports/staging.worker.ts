/**
 * The worker thread of `staging-lines.ts`: seals the identifiable fields of staged rows and
 * writes them as COPY lines, so that the upload's own thread only reads, maps and validates.
 * One batch of rows in, its lines out (the buffer is transferred, not copied), in order.
 * Imports nothing but the key ring and the line writer: no database, no logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeyRing } from '../crypto/key-ring';
import type { StagedRow } from './row-mapper';
import { StagingBuffer } from './staging-buffer';

export interface StagingWorkerData {
  jobId: string;
  keyId: string;
  key: Uint8Array;
}

const data = workerData as StagingWorkerData;
const buffer = new StagingBuffer(data.jobId, new KeyRing(`${data.keyId}:${Buffer.from(data.key).toString('base64')}`), 1 << 18);
data.key.fill(0);

parentPort!.on('message', (rows: StagedRow[]) => {
  buffer.add(rows);
  const lines = buffer.take();
  parentPort!.postMessage(lines, [lines.buffer as ArrayBuffer]);
});
