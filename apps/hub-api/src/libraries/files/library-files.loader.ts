import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import type { LibraryFileType } from '../library-codes';

export interface VersionFileRow {
  versionId: string;
  sha256: string;
  fileName: string;
  contentType: LibraryFileType;
  sizeBytes: number;
}

const loaders = new WeakMap<object, DataLoader<string, VersionFileRow[]>>();

/** The files of many versions in one query, one loader per request (keyed by the request object). */
export function versionFilesLoader(req: object, db: DataSource): DataLoader<string, VersionFileRow[]> {
  let loader = loaders.get(req);
  if (!loader) {
    loader = new DataLoader<string, VersionFileRow[]>(async (versionIds) => {
      const rows: VersionFileRow[] = await db.query(
        `SELECT f.version_id AS "versionId", f.sha256, f.file_name AS "fileName", b.content_type AS "contentType", b.size_bytes AS "sizeBytes"
         FROM library_version_files f JOIN library_blobs b ON b.sha256 = f.sha256
         WHERE f.version_id = ANY($1::uuid[]) ORDER BY f.attached_at, f.sha256`,
        [versionIds],
      );
      return versionIds.map((id) => rows.filter((r) => r.versionId === id));
    });
    loaders.set(req, loader);
  }
  return loader;
}
