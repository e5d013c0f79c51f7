import { Module } from '@nestjs/common';
import { LibraryFilesController } from './files/library-files.controller';
import { LibraryFilesService } from './files/library-files.service';
import { LibraryUploadInterceptor } from './files/upload.interceptor';
import { LibrariesResolver } from './libraries.resolver';
import { LibraryDocumentsService } from './library-documents.service';
import { LibraryConfig, loadLibraryConfig } from './library.config';
import { LibraryQueryService } from './search/library-query.service';

/** The research library and the best-practice library (one store, two shelves by document kind). */
@Module({
  controllers: [LibraryFilesController],
  providers: [
    { provide: LibraryConfig, useFactory: () => loadLibraryConfig(process.env) },
    LibraryDocumentsService,
    LibraryQueryService,
    LibraryFilesService,
    LibraryUploadInterceptor,
    LibrariesResolver,
  ],
})
export class LibrariesModule {}
