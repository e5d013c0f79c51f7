import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../common/auth/principal';
import { HubError } from '../../common/errors/hub.error';
import { LibraryBlobEntity, LibraryDocumentEntity, LibraryVersionFileEntity } from '../entities';
import { assertPerson, managesDocument, ownsDocument, readableAccessLevels } from '../library-access';
import type { LibraryFileType } from '../library-codes';
import { LibraryConfig } from '../library.config';
import { toLibraryFileModel } from '../library.mapper';
import { editableVersion, lockDocument, lockOwnedDocument, refreshSearch, requireOwned } from '../library-store';
import { LibraryFileModel, PurgedLibraryFileModel } from '../models/library-document.model';
import { claimMismatch, detectFileType, MIME_TYPES } from './content-type';
import { extractPdfText, PdfTextError } from './pdf-text';

export interface IncomingFile {
  fileName: string;
  declaredType?: string;
  bytes: Buffer;
}

export interface Download {
  fileName: string;
  contentType: string;
  bytes: Buffer;
  isPublic: boolean;
}

const NOT_AUTHOR = 'Only the author attaches files';

/** Attached files: checked by their bytes, stored once per content hash, downloaded only by who may read the document. */
@Injectable()
export class LibraryFilesService {
  private readonly log = new Logger(LibraryFilesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly config: LibraryConfig,
  ) {}

  /** The size check for an upload, before anything is read into the database. */
  assertSize(sizeBytes: number): void {
    if (sizeBytes > this.config.LIBRARY_MAX_FILE_BYTES) {
      throw new HubError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${this.config.LIBRARY_MAX_FILE_BYTES} bytes`, {
        reason: 'LIBRARY_FILE_TOO_LARGE',
        limitBytes: this.config.LIBRARY_MAX_FILE_BYTES,
      });
    }
  }

  /** Who may attach to the document (its author, or a colleague of her member): asked before an upload's bytes are read. */
  async assertMayAttach(actor: Principal, documentId: string): Promise<void> {
    assertPerson(actor);
    requireOwned(actor, await this.db.getRepository(LibraryDocumentEntity).findOne({ where: { id: documentId } }), NOT_AUTHOR);
  }

  async attach(actor: Principal, documentId: string, file: IncomingFile): Promise<LibraryFileModel> {
    assertPerson(actor);
    this.assertSize(file.bytes.length);
    const fileName = checkFileName(file.fileName);
    const type = this.checkType(file);
    // Who may attach is known before any slow work: a caller who does not own the document gets its
    // answer without a PDF being parsed for it (the lock below checks again).
    await this.assertMayAttach(actor, documentId);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    // Text extraction is slow CPU work: done before the transaction, and only for bytes not seen before.
    const known = await this.db.getRepository(LibraryBlobEntity).findOne({ where: { sha256 }, select: { sha256: true } });
    const text = !known && type === 'pdf' ? await this.pdfText(file.bytes) : null;

    return this.db.transaction(async (tx) => {
      // Content-addressed: the same bytes from anyone are one row. Held (FOR KEY SHARE) until the link is in: a purge
      // of the same bytes committed meanwhile leaves no row to hold, and they are stored again. The blob before the
      // document, in the order a purge locks them (blob, then documents): the other order could deadlock with it.
      let inserted: unknown[] = [];
      for (let held = false; !held; ) {
        inserted = await tx.query(
          `INSERT INTO library_blobs (sha256, content_type, size_bytes, content, extracted_text)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
          [sha256, type, file.bytes.length, file.bytes, text],
        );
        // a row this transaction inserted is its own until it commits
        held = inserted.length > 0 || (await tx.query<unknown[]>('SELECT sha256 FROM library_blobs WHERE sha256 = $1 FOR KEY SHARE', [sha256])).length > 0;
      }
      const doc = await lockOwnedDocument(tx, actor, documentId, NOT_AUTHOR);
      const { version, created } = await editableVersion(tx, doc, actor);
      const links = tx.getRepository(LibraryVersionFileEntity);
      if (await links.exists({ where: { versionId: version.id, sha256 } })) {
        await links.update({ versionId: version.id, sha256 }, { fileName });
      } else {
        await links.insert({ versionId: version.id, sha256, fileName });
      }
      await refreshSearch(tx, version.id);
      await this.audit.record(tx, actor, 'library.file.attach', 'library_document', doc.id, {
        version: version.version,
        newVersion: created,
        sha256,
        contentType: type,
        sizeBytes: file.bytes.length,
        deduplicated: inserted.length === 0,
      });
      return toLibraryFileModel(doc.id, { sha256, fileName, contentType: type, sizeBytes: file.bytes.length });
    });
  }

  async detach(actor: Principal, documentId: string, sha256: string): Promise<boolean> {
    assertPerson(actor);
    return this.db.transaction(async (tx) => {
      const doc = await lockDocument(tx, documentId);
      if (!ownsDocument(actor, doc)) throw new HubError('NOT_FOUND', 'No such library document', { reason: 'LIBRARY_DOCUMENT_NOT_FOUND' });
      const { version } = await editableVersion(tx, doc, actor);
      const res = await tx.getRepository(LibraryVersionFileEntity).delete({ versionId: version.id, sha256 });
      if (!res.affected) throw new HubError('NOT_FOUND', 'No such file on this document', { reason: 'LIBRARY_FILE_NOT_FOUND' });
      await refreshSearch(tx, version.id);
      await this.audit.record(tx, actor, 'library.file.detach', 'library_document', doc.id, { version: version.version, sha256 });
      return true;
    });
  }

  /**
   * Erases a file from the libraries (the Association's remedy for a file that should never have been
   * uploaded, e.g. one holding a survivor's personal data): its bytes and extracted text, and its link
   * from every version of every document, published ones included (their search text is rebuilt).
   * Versions keep their history otherwise; the audit log keeps who purged what and why, not the file.
   */
  async purge(actor: Principal, sha256: string, reason: string): Promise<PurgedLibraryFileModel> {
    return this.db.transaction(async (tx) => {
      // the blob first: an attach of the same bytes waits for the purge (and stores them anew after it), instead of
      // linking a document the purge did not see, or failing on the deleted blob
      const [blob]: { size_bytes: number }[] = await tx.query('SELECT size_bytes FROM library_blobs WHERE sha256 = $1 FOR UPDATE', [sha256]);
      if (!blob) throw new HubError('NOT_FOUND', 'No such file', { reason: 'LIBRARY_FILE_NOT_FOUND' });
      const linked: { version_id: string; document_id: string }[] = await tx.query(
        `SELECT f.version_id, v.document_id FROM library_version_files f JOIN library_document_versions v ON v.id = f.version_id WHERE f.sha256 = $1`,
        [sha256],
      );
      const documentIds = [...new Set(linked.map((l) => l.document_id))].sort();
      // the documents' locks, in one order: an edit or an attach of one of them waits, then sees the file gone
      for (const id of documentIds) await lockDocument(tx, id);
      // (TypeORM answers a DELETE ... RETURNING with [rows, count])
      const [links]: [{ version_id: string }[], number] = await tx.query('DELETE FROM library_version_files WHERE sha256 = $1 RETURNING version_id', [sha256]);
      await tx.query('DELETE FROM library_blobs WHERE sha256 = $1', [sha256]);
      const versions = [...new Set(links.map((l) => l.version_id))];
      for (const v of versions) await refreshSearch(tx, v);
      for (const id of documentIds) await this.audit.record(tx, actor, 'library.file.purge', 'library_document', id, { sha256, reason, versions: versions.length });
      if (documentIds.length === 0) await this.audit.record(tx, actor, 'library.file.purge', 'library_blob', sha256, { sha256, reason, versions: 0 });
      return { sha256, sizeBytes: Number(blob.size_bytes), documentIds, versions: versions.length };
    });
  }

  /**
   * A file of a document, if the caller may read a version that holds it: a published one
   * at an access level the role admits, or any version for the author and the Association.
   */
  async download(p: Principal | undefined, documentId: string, sha256: string): Promise<Download> {
    const doc = await this.db.getRepository(LibraryDocumentEntity).findOne({ where: { id: documentId } });
    const rows: { file_name: string; access_level: string; status: string }[] = doc
      ? await this.db.query(
          `SELECT f.file_name, v.access_level, v.status FROM library_version_files f
           JOIN library_document_versions v ON v.id = f.version_id
           WHERE v.document_id = $1 AND f.sha256 = $2
           ORDER BY v.version DESC`,
          [documentId, sha256],
        )
      : [];
    const manager = doc !== null && managesDocument(p, doc);
    const levels: string[] = readableAccessLevels(p);
    const readable = rows.find((r) => manager || (r.status === 'published' && levels.includes(r.access_level)));
    if (!readable) {
      const hidden = rows.some((r) => r.status === 'published');
      if (!p && hidden) throw new HubError('UNAUTHENTICATED', 'Sign in to download this file');
      throw new HubError('NOT_FOUND', 'No such file', { reason: 'LIBRARY_FILE_NOT_FOUND' });
    }
    const blob = await this.db
      .getRepository(LibraryBlobEntity)
      .createQueryBuilder('b')
      .addSelect('b.content')
      .where('b.sha256 = :sha256', { sha256 })
      .getOneOrFail();
    const isPublic = readable.status === 'published' && readable.access_level === 'public';
    if (p) {
      await this.db.transaction((tx) =>
        this.audit.record(tx, p, 'library.file.download', 'library_document', documentId, { sha256 }),
      );
    }
    return { fileName: readable.file_name, contentType: MIME_TYPES[blob.contentType], bytes: blob.content, isPublic };
  }

  private checkType(file: IncomingFile): LibraryFileType {
    const type = detectFileType(file.bytes);
    if (!type) {
      throw new HubError('BAD_USER_INPUT', 'The file is not a PDF, DOCX, XLSX, PNG or JPEG (checked by its content)', {
        reason: 'LIBRARY_FILE_TYPE_NOT_ALLOWED',
      });
    }
    const mismatch = claimMismatch(type, file.fileName, file.declaredType);
    if (mismatch) throw new HubError('BAD_USER_INPUT', `The file's type is forged: ${mismatch}`, { reason: 'LIBRARY_FILE_TYPE_MISMATCH', detected: MIME_TYPES[type] });
    return type;
  }

  /**
   * One extraction at a time per hub process (each is a worker with up to 256 MB of heap and
   * LIBRARY_PDF_MAX_MEMORY_MB in all, for up to LIBRARY_PDF_TIMEOUT_MS): parallel uploads queue here
   * instead of exhausting the hub's memory, and past LIBRARY_PDF_QUEUE_MAX waiting they are refused
   * (each waiting upload holds its bytes).
   */
  private async pdfText(bytes: Buffer): Promise<string> {
    if (this.pdfWaiting >= this.config.LIBRARY_PDF_QUEUE_MAX) {
      throw new HubError('RATE_LIMITED', 'The hub is reading other PDFs; upload this one again in a minute', { reason: 'LIBRARY_PDF_QUEUE_FULL' });
    }
    this.pdfWaiting++;
    const turn = this.pdfQueue.then(() => {
      this.pdfWaiting--;
      return this.extract(bytes);
    });
    this.pdfQueue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private pdfQueue: Promise<void> = Promise.resolve();
  private pdfWaiting = 0;

  private async extract(bytes: Buffer): Promise<string> {
    try {
      return await extractPdfText(bytes, { timeoutMs: this.config.LIBRARY_PDF_TIMEOUT_MS, maxMemoryBytes: this.config.LIBRARY_PDF_MAX_MEMORY_MB * 1024 * 1024 });
    } catch (e) {
      if (!(e instanceof PdfTextError)) throw e;
      this.log.warn(`PDF refused: ${e.message}`);
      // The memory watch reads the whole process: other uploads read at the same moment count too. A stop for memory
      // is answered as retryable (an ordinary PDF passes once the hub is quieter; a file that inflates to gigabytes
      // never does); one for time is the file's.
      if (e.failure === 'memory') {
        throw new HubError('RATE_LIMITED', 'Reading the text of this PDF took more memory than the hub allows now; try again later (a file that inflates to gigabytes is never read)', {
          reason: 'LIBRARY_PDF_TOO_COSTLY',
        });
      }
      if (e.failure === 'timeout') {
        throw new HubError('BAD_USER_INPUT', 'Reading the text of this PDF takes more time than the hub allows', { reason: 'LIBRARY_PDF_TOO_COSTLY' });
      }
      throw new HubError('BAD_USER_INPUT', 'The file starts like a PDF but cannot be read as one', { reason: 'LIBRARY_FILE_UNREADABLE_PDF' });
    }
  }
}

/**
 * A file name as stored and sent back in Content-Disposition: NFC, 1 to 255 characters, no path
 * separator or control character (the rule of AttachLibraryFileInput, for the REST upload too).
 */
export function checkFileName(name: string): string {
  const n = name.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (n.length === 0 || n.length > 255 || !/^[^/\\\u0000-\u001f\u007f]+$/.test(n)) {
    throw new HubError('BAD_USER_INPUT', 'Invalid input: fileName', {
      reason: 'VALIDATION_FAILED',
      fields: [{ field: 'fileName', messages: ['fileName must be a plain file name of 1 to 255 characters'] }],
    });
  }
  return n;
}
