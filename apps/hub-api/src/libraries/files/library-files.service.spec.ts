import type { DataSource } from 'typeorm';
import type { AuditService } from '../../audit/audit.service';
import { buildPdf } from '../../../test/fixtures/libraries/pdf';
import { loadLibraryConfig } from '../library.config';
import { LibraryFilesService } from './library-files.service';

describe('LibraryFilesService: PDF text extraction queue', () => {
  it('queues at most LIBRARY_PDF_QUEUE_MAX PDFs (each held in memory) and refuses more with RATE_LIMITED until they are read', async () => {
    const service = new LibraryFilesService({} as DataSource, {} as AuditService, loadLibraryConfig({ LIBRARY_PDF_QUEUE_MAX: '2' }));
    const pdfText = (text: string): Promise<string> => (service as unknown as { pdfText(b: Buffer): Promise<string> }).pdfText(buildPdf([text]));
    const outcomes = await Promise.allSettled(['one', 'two', 'three', 'four'].map(pdfText));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'LIBRARY_PDF_QUEUE_FULL' } });
    // read, they leave the queue
    await expect(pdfText('five')).resolves.toBe('five');
  });
});
