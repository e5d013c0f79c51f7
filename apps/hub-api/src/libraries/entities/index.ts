import { LibraryBlobEntity } from './library-blob.entity';
import { LibraryDocumentVersionEntity } from './library-document-version.entity';
import { LibraryDocumentEntity } from './library-document.entity';
import { LibraryVersionFileEntity } from './library-version-file.entity';

export { LibraryBlobEntity, LibraryDocumentEntity, LibraryDocumentVersionEntity, LibraryVersionFileEntity };

/** The libraries' entities, listed once in database/entities.ts. */
export const LIBRARY_ENTITIES = [LibraryDocumentEntity, LibraryDocumentVersionEntity, LibraryBlobEntity, LibraryVersionFileEntity];
