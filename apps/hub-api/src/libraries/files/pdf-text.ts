import { Worker } from 'node:worker_threads';

// Runs in a worker thread: PDF parsing is CPU-heavy and the input untrusted, so it gets its
// own heap limit, a memory watch and a deadline, and a hostile file cannot stall the API's event loop.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { getDocumentProxy, extractText } = require(workerData.unpdfPath);
(async () => {
  const doc = await getDocumentProxy(workerData.bytes, { verbosity: 0 });
  const { text } = await extractText(doc, { mergePages: true });
  await doc.destroy();
  parentPort.postMessage({ ok: true, text: String(text) });
})().catch((e) => parentPort.postMessage({ ok: false, error: String((e && e.message) || e) }));
`;

/** Longest text kept per file (a tsvector must stay under 1 MB). */
export const MAX_EXTRACTED_CHARS = 200_000;

/** How often the memory watch reads the process's resident size while a worker parses. */
const MEMORY_POLL_MS = 10;

/** Why a PDF's text could not be read: not a PDF pdf.js can parse, or one that costs more than the limits. */
export type PdfTextFailure = 'unreadable' | 'timeout' | 'memory';

export class PdfTextError extends Error {
  constructor(
    message: string,
    readonly failure: PdfTextFailure = 'unreadable',
  ) {
    super(message);
  }
}

export interface PdfTextLimits {
  readonly timeoutMs: number;
  /**
   * Growth of the process's resident memory allowed while the worker parses. The worker's heap
   * limit does not cover typed arrays, and pdf.js decodes a stream into one: a 400 KB file whose
   * content stream inflates to 400 MB of spaces took 1.5 GB under a 32 MB heap limit. The watch
   * reads the resident size from this thread (the worker cannot block it) and stops the worker.
   */
  readonly maxMemoryBytes: number;
}

/** The text of a PDF (pages joined), whitespace collapsed and capped; throws PdfTextError when unreadable or too costly. */
export async function extractPdfText(bytes: Buffer, limits: PdfTextLimits): Promise<string> {
  const copy = new Uint8Array(bytes); // transferred to the worker
  const baseline = process.memoryUsage.rss();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { unpdfPath: require.resolve('unpdf'), bytes: copy },
    transferList: [copy.buffer],
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  try {
    const text = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new PdfTextError('PDF text extraction timed out', 'timeout')), limits.timeoutMs);
      watch = setInterval(() => {
        if (process.memoryUsage.rss() - baseline > limits.maxMemoryBytes) reject(new PdfTextError('PDF text extraction exceeded its memory limit', 'memory'));
      }, MEMORY_POLL_MS);
      worker.once('message', (m: { ok: boolean; text?: string; error?: string }) => {
        if (m.ok) resolve(m.text ?? '');
        else reject(new PdfTextError(`unreadable PDF: ${m.error ?? 'unknown error'}`));
      });
      worker.once('error', (e) => reject(new PdfTextError(`unreadable PDF: ${e.message}`)));
    });
    // NUL cannot be stored in a Postgres text column.
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\s\u0000]+/g, ' ').trim().slice(0, MAX_EXTRACTED_CHARS);
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
    await worker.terminate();
  }
}
