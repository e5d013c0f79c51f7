import { ParseIdPipe } from '@paivand/nest-common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { CreateImportInput, ImportIssuesInput } from './dto/import.inputs';
import { toImportIssueModel, toImportJobModel } from './imports.mapper';
import { ImportsService } from './imports.service';
import { ImportIssuePageModel, ImportJobModel } from './models/import.models';

const IMPORT_ROLES = ['caseworker', 'manager'] as const;

@Resolver()
export class ImportsResolver {
  constructor(private readonly imports: ImportsService) {}

  @Roles(...IMPORT_ROLES)
  @Mutation(() => ImportJobModel, { description: 'Start an import; then PUT the file to /imports/{id}/file.' })
  async createImport(@CurrentPrincipal() p: Principal, @Args('input') input: CreateImportInput): Promise<ImportJobModel> {
    return toImportJobModel(await this.imports.create(p, input));
  }

  @Roles(...IMPORT_ROLES)
  @Query(() => ImportJobModel, { description: 'An import with its progress and counts.' })
  async importJob(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ImportJobModel> {
    return toImportJobModel(await this.imports.job(p, id));
  }

  @Roles(...IMPORT_ROLES)
  @Query(() => [ImportJobModel], { description: 'The latest 100 imports of the centre.' })
  async importJobs(@CurrentPrincipal() p: Principal): Promise<ImportJobModel[]> {
    return (await this.imports.jobs(p)).map(toImportJobModel);
  }

  @Roles(...IMPORT_ROLES)
  @Query(() => ImportIssuePageModel, { description: 'The row-by-row report of an import.' })
  async importIssues(@CurrentPrincipal() p: Principal, @Args('input') input: ImportIssuesInput): Promise<ImportIssuePageModel> {
    const page = await this.imports.issues(p, input);
    return { items: page.items.map(toImportIssueModel), total: page.total };
  }

  @Roles(...IMPORT_ROLES)
  @Mutation(() => ImportJobModel, { description: 'Accept the valid rows of a validated import into the register.' })
  async acceptImport(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ImportJobModel> {
    return toImportJobModel(await this.imports.accept(p, id));
  }

  @Roles(...IMPORT_ROLES)
  @Mutation(() => ImportJobModel, { description: 'Throw away a validated import; nothing enters the register.' })
  async discardImport(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ImportJobModel> {
    return toImportJobModel(await this.imports.discard(p, id));
  }
}
