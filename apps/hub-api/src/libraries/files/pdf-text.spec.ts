import { buildPdf } from '../../../test/fixtures/libraries/pdf';
import { extractPdfText, PdfTextError } from './pdf-text';

describe('extractPdfText (worker thread)', () => {
  it('reads English, Russian and Tajik text out of a PDF', async () => {
    const text = await extractPdfText(buildPdf(['Shelter referral pathways', 'Насилие в семье', 'Зӯроварӣ дар оила ва ҳуқуқ']), 15_000);
    expect(text).toContain('Shelter referral pathways');
    expect(text).toContain('Насилие в семье');
    expect(text).toContain('Зӯроварӣ дар оила ва ҳуқуқ');
  });

  it('refuses bytes that only pretend to be a PDF', async () => {
    await expect(extractPdfText(Buffer.from('%PDF-1.4\nthis is not a pdf at all'), 15_000)).rejects.toBeInstanceOf(PdfTextError);
  });
});
