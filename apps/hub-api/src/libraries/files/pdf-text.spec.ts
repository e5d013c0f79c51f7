import { buildPdf, buildPdfBomb } from '../../../test/fixtures/libraries/pdf';
import { extractPdfText, PdfTextError } from './pdf-text';

const LIMITS = { timeoutMs: 15_000, maxMemoryBytes: 256 * 1024 * 1024 };

describe('extractPdfText (worker thread)', () => {
  it('reads English, Russian and Tajik text out of a PDF', async () => {
    const text = await extractPdfText(buildPdf(['Shelter referral pathways', 'Насилие в семье', 'Зӯроварӣ дар оила ва ҳуқуқ']), LIMITS);
    expect(text).toContain('Shelter referral pathways');
    expect(text).toContain('Насилие в семье');
    expect(text).toContain('Зӯроварӣ дар оила ва ҳуқуқ');
  });

  it('refuses bytes that only pretend to be a PDF', async () => {
    await expect(extractPdfText(Buffer.from('%PDF-1.4\nthis is not a pdf at all'), LIMITS)).rejects.toMatchObject({ failure: 'unreadable' });
  });

  it('stops a PDF whose stream inflates past the memory limit (the worker heap limit does not cover typed arrays)', async () => {
    const bomb = await buildPdfBomb(384);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage.rss();
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    const err = await extractPdfText(bomb, { timeoutMs: 60_000, maxMemoryBytes: 64 * 1024 * 1024 }).catch((e: unknown) => e);
    clearInterval(sample);
    expect(err).toBeInstanceOf(PdfTextError);
    expect(err).toMatchObject({ failure: 'memory' });
    // stopped near the limit, not after inflating the whole stream (which took over 1 GB)
    expect(peak - before).toBeLessThan(384 * 1024 * 1024);
    // a real PDF passes under the same limit
    await expect(extractPdfText(buildPdf(['Referral pathways']), { timeoutMs: 15_000, maxMemoryBytes: 64 * 1024 * 1024 })).resolves.toContain('Referral pathways');
  }, 90_000);
});
