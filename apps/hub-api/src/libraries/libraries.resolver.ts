import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { ParseIdPipe } from '@paivand/nest-common';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { AttachLibraryFileInput, DetachLibraryFileInput, PurgeLibraryFileInput } from './dto/attach-file.input';
import { CreateLibraryDocumentInput, UpdateLibraryDocumentInput } from './dto/library-document.input';
import { ModerateLibraryDocumentInput } from './dto/moderation.input';
import { ListLibraryDocumentsInput, SearchLibraryInput } from './dto/search.input';
import { versionFilesLoader } from './files/library-files.loader';
import { LibraryFilesService } from './files/library-files.service';
import { LibraryDocumentsService } from './library-documents.service';
import { toLibraryFileModel } from './library.mapper';
import { LibraryDocumentModel, LibraryDocumentPage, LibraryFileModel, LibrarySearchResult, PurgedLibraryFileModel } from './models/library-document.model';
import { LibraryQueryService } from './search/library-query.service';

const AUTHORS = ['member', 'researcher', 'association_admin'] as const;

@Resolver(() => LibraryDocumentModel)
export class LibrariesResolver {
  constructor(
    private readonly documents: LibraryDocumentsService,
    private readonly queries: LibraryQueryService,
    private readonly fileStore: LibraryFilesService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Public()
  @Query(() => LibrarySearchResult, { description: 'Full-text search of the published documents the caller may read (anonymous: public ones).' })
  searchLibrary(@CurrentPrincipal() p: Principal | undefined, @Args('input') input: SearchLibraryInput): Promise<LibrarySearchResult> {
    return this.queries.search(p, input);
  }

  @Public()
  @Query(() => LibraryDocumentPage, { description: 'Published documents the caller may read; MINE and ALL list drafts and reviews.' })
  libraryDocuments(@CurrentPrincipal() p: Principal | undefined, @Args('input') input: ListLibraryDocumentsInput): Promise<LibraryDocumentPage> {
    return this.queries.list(p, input);
  }

  @Public()
  @Query(() => LibraryDocumentModel)
  libraryDocument(
    @CurrentPrincipal() p: Principal | undefined,
    @Args('id', { type: () => ID }, ParseIdPipe) id: string,
    @Args('version', { type: () => Int, nullable: true }) version?: number,
  ): Promise<LibraryDocumentModel> {
    return this.queries.get(p, id, version ?? undefined);
  }

  @Roles(...AUTHORS)
  @Query(() => [LibraryDocumentModel], { description: 'Every version of a document, newest first (author and Association).' })
  libraryDocumentVersions(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<LibraryDocumentModel[]> {
    return this.queries.history(p, id);
  }

  @Roles(...AUTHORS)
  @Mutation(() => LibraryDocumentModel, { description: 'A new document, as a draft.' })
  createLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: CreateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.create(p, input);
  }

  @Roles(...AUTHORS)
  @Mutation(() => LibraryDocumentModel, { description: 'Edits a draft in place; editing a published document starts a new version, the published one stays visible.' })
  updateLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: UpdateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.update(p, input);
  }

  @Roles(...AUTHORS)
  @Mutation(() => LibraryFileModel)
  attachLibraryFile(@CurrentPrincipal() p: Principal, @Args('input') input: AttachLibraryFileInput): Promise<LibraryFileModel> {
    const bytes = Buffer.from(input.contentBase64, 'base64');
    return this.fileStore.attach(p, input.documentId, { fileName: input.fileName, declaredType: input.contentType, bytes });
  }

  @Roles(...AUTHORS)
  @Mutation(() => Boolean)
  detachLibraryFile(@CurrentPrincipal() p: Principal, @Args('input') input: DetachLibraryFileInput): Promise<boolean> {
    return this.fileStore.detach(p, input.documentId, input.sha256);
  }

  @Roles(...AUTHORS)
  @Mutation(() => LibraryDocumentModel, { description: 'Sends the latest version to the Association for review.' })
  submitLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.submit(p, input);
  }

  @Roles('association_admin')
  @Mutation(() => LibraryDocumentModel)
  requestLibraryDocumentChanges(@CurrentPrincipal() p: Principal, @Args('input') input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.requestChanges(p, input);
  }

  @Roles('association_admin')
  @Mutation(() => LibraryDocumentModel)
  publishLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.publish(p, input);
  }

  @Roles('association_admin')
  @Mutation(() => LibraryDocumentModel)
  rejectLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.reject(p, input);
  }

  @Roles('association_admin')
  @Mutation(() => LibraryDocumentModel, { description: 'Takes the published version off the libraries (kept for history).' })
  withdrawLibraryDocument(@CurrentPrincipal() p: Principal, @Args('input') input: ModerateLibraryDocumentInput): Promise<LibraryDocumentModel> {
    return this.documents.withdraw(p, input);
  }

  @Roles('association_admin')
  @Mutation(() => PurgedLibraryFileModel, {
    description: 'Erases a file from every document and version that holds it (bytes, extracted text, links), e.g. one holding personal data; audited with the reason.',
  })
  purgeLibraryFile(@CurrentPrincipal() p: Principal, @Args('input') input: PurgeLibraryFileInput): Promise<PurgedLibraryFileModel> {
    return this.fileStore.purge(p, input.sha256, input.reason);
  }

  // A field of a document already authorised by its parent query.
  @ResolveField(() => [LibraryFileModel])
  async files(@Parent() d: LibraryDocumentModel, @Context('req') req: object): Promise<LibraryFileModel[]> {
    const rows = await versionFilesLoader(req, this.db).load(d.versionId);
    return rows.map((r) => toLibraryFileModel(d.id, r));
  }
}
