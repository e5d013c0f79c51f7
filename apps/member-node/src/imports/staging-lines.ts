import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KeyRing } from '../crypto/key-ring';
import type { StagedRow } from './row-mapper';
import { StagingBuffer } from './staging-buffer';
import type { StagingWorkerData } from './staging.worker';

/**
 * Valid rows of an upload on their way to COPY lines: the identifiable fields sealed, the
 * rest escaped. Sealing is most of an upload's CPU time (AES-256-GCM through OpenSSL costs a
 * few microseconds a value, whatever its length, and a row has up to six), so past the first
 * `WORKER_AFTER_ROWS` rows the work moves to a worker thread: the upload's thread reads, maps
 * and validates the next rows meanwhile, and Postgres loads the lines already written. Small
 * files never start a worker (it takes longer to start than they take to seal).
 *
 * Lines come back in the order the rows went in. At most `MAX_IN_FLIGHT` batches wait for
 * the worker: memory stays bounded however far the reader runs ahead.
 */
export const WORKER_AFTER_ROWS = 2_000;
const MAX_IN_FLIGHT = 8;
const EMPTY = Buffer.alloc(0);

export class StagingLines {
  private readonly inline: StagingBuffer;
  private worker: Worker | undefined;
  private rows = 0;
  private inFlight = 0;
  private readonly done: Buffer[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly jobId: string,
    private readonly ring: KeyRing,
    /** Rows sealed on this thread before a worker takes over (tests set 0 to use the worker from the first row). */
    private readonly workerAfter = WORKER_AFTER_ROWS,
  ) {
    this.inline = new StagingBuffer(jobId, ring);
  }

  /** Whether a worker thread seals (tests). */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /** Queues rows (their plaintext is cloned to the worker now: the array may be reused at once). */
  add(rows: readonly StagedRow[]): void {
    if (rows.length === 0) return;
    if (this.failure) throw this.failure;
    if (!this.worker && this.rows + rows.length > this.workerAfter) this.worker = this.startWorker();
    this.rows += rows.length;
    if (!this.worker) {
      this.inline.add(rows);
      return;
    }
    this.worker.postMessage(rows);
    this.inFlight++;
  }

  /**
   * Lines finished so far, oldest first, as one buffer (empty when none). With `pending` set,
   * first waits until no more than that many batches are still with the worker (0: all).
   */
  async take(pending = MAX_IN_FLIGHT): Promise<Buffer> {
    while (this.inFlight > pending && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
    // Rows sealed here came before any the worker got.
    const parts = this.inline.length > 0 ? [this.inline.take(), ...this.done.splice(0)] : this.done.splice(0);
    if (parts.length === 0) return EMPTY;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Stops the worker, if one was started (pending batches are dropped). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failure ??= new Error('staging closed');
    this.wake?.();
    await worker?.terminate();
  }

  private startWorker(): Worker {
    const key = this.ring.currentKey();
    const workerData: StagingWorkerData = { jobId: this.jobId, keyId: key.id, key: key.key };
    // Compiled, the worker is a .js file beside this one; from sources (tests, `node -r @swc-node/register`) a .ts file that needs the same loader.
    const fromSources = __filename.endsWith('.ts');
    const execArgv = fromSources && !process.execArgv.some((a) => a.includes('@swc-node/register')) ? [...process.execArgv, '-r', '@swc-node/register'] : undefined;
    const worker = new Worker(join(__dirname, `staging.worker.${fromSources ? 'ts' : 'js'}`), { workerData, execArgv, transferList: [key.key.buffer as ArrayBuffer] });
    worker.on('message', (lines: Uint8Array) => {
      this.done.push(Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength));
      this.inFlight--;
      this.signal();
    });
    // Never the error itself in what is reported: a worker's error could in principle quote a row.
    worker.on('error', () => this.fail(new Error('the staging worker failed')));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`the staging worker stopped (exit code ${code})`));
    });
    return worker;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
