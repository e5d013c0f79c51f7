import { LibraryDocumentEntity, LibraryDocumentVersionEntity } from './entities';
import { LIBRARY_SHELVES, kindsOfShelf } from './library-codes';
import { LibraryDocumentModel, LibraryFileModel } from './models/library-document.model';
import { MIME_TYPES } from './files/content-type';
import type { LibraryFileType } from './library-codes';

/** The one mapping from a version row to what the API shows; the review note only to managers. */
export function toLibraryDocumentModel(
  doc: Pick<LibraryDocumentEntity, 'id' | 'publishedVersionId'>,
  v: LibraryDocumentVersionEntity,
  opts: { showReview: boolean; publishedVersion: number | null },
): LibraryDocumentModel {
  return {
    id: doc.id,
    versionId: v.id,
    version: v.version,
    status: v.status,
    publishedVersion: opts.publishedVersion,
    kind: v.kind,
    shelves: LIBRARY_SHELVES.filter((s) => kindsOfShelf(s).includes(v.kind)),
    accessLevel: v.accessLevel,
    title: { tg: v.titleTg, ru: v.titleRu, en: v.titleEn },
    summary: { tg: v.summaryTg, ru: v.summaryRu, en: v.summaryEn },
    authors: v.authors,
    organisationMemberId: v.organisationMemberId,
    organisationName: v.organisationName,
    year: v.year,
    language: v.language,
    tags: v.tags,
    themes: v.themes,
    datasetIds: v.datasetIds,
    reviewNote: opts.showReview ? v.reviewNote : null,
    createdAt: v.createdAt,
    submittedAt: v.submittedAt,
    publishedAt: v.publishedAt,
  };
}

export function toLibraryFileModel(
  documentId: string,
  f: { sha256: string; fileName: string; contentType: LibraryFileType; sizeBytes: number },
): LibraryFileModel {
  return {
    sha256: f.sha256,
    fileName: f.fileName,
    contentType: MIME_TYPES[f.contentType],
    sizeBytes: f.sizeBytes,
    downloadPath: `/library/documents/${documentId}/files/${f.sha256}`,
  };
}
