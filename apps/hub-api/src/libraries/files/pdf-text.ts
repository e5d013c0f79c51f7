import { Worker } from 'node:worker_threads';

// Runs in a worker thread: PDF parsing is CPU-heavy and the input untrusted, so it gets its
// own heap limit and a deadline, and a hostile file cannot stall the API's event loop.
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

export class PdfTextError extends Error {}

/** The text of a PDF (pages joined), whitespace collapsed and capped; throws PdfTextError when unreadable. */
export async function extractPdfText(bytes: Buffer, timeoutMs: number): Promise<string> {
  const copy = new Uint8Array(bytes); // transferred to the worker
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { unpdfPath: require.resolve('unpdf'), bytes: copy },
    transferList: [copy.buffer],
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PdfTextError('PDF text extraction timed out')), timeoutMs);
      worker.once('message', (m: { ok: boolean; text?: string; error?: string }) => {
        clearTimeout(timer);
        if (m.ok) resolve(m.text ?? '');
        else reject(new PdfTextError(`unreadable PDF: ${m.error ?? 'unknown error'}`));
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(new PdfTextError(`unreadable PDF: ${e.message}`));
      });
    });
    // NUL cannot be stored in a Postgres text column.
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\s\u0000]+/g, ' ').trim().slice(0, MAX_EXTRACTED_CHARS);
  } finally {
    await worker.terminate();
  }
}
