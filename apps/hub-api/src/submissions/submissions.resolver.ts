import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { SubmissionsArgs } from './dto/submissions.args';
import { ImportSummaryModel, SubmissionModel } from './models/import-summary.model';
import { toImportSummaryModel, toSubmissionModel } from './submissions.mapper';
import { SubmissionsService } from './submissions.service';

@Resolver()
export class SubmissionsResolver {
  constructor(private readonly submissions: SubmissionsService) {}

  @Roles('member')
  @Mutation(() => ImportSummaryModel, { description: 'A member node submits a signed release (SignedSubmission as JSON). dryRun validates without storing.' })
  async submitRelease(
    @CurrentPrincipal() p: Principal,
    @Args('submission', { type: () => GraphQLJSON }) submission: unknown,
    @Args('dryRun', { type: () => Boolean, defaultValue: false }) dryRun: boolean,
  ): Promise<ImportSummaryModel> {
    return toImportSummaryModel(await this.submissions.submit(p, submission, dryRun));
  }

  @Roles('association_admin', 'member')
  @Query(() => [SubmissionModel], { description: 'Stored submissions with their history, newest first; a member sees only its own.' })
  async submissionHistory(@CurrentPrincipal() p: Principal, @Args() args: SubmissionsArgs): Promise<SubmissionModel[]> {
    return (await this.submissions.list(p, args.memberId ?? null, args.datasetId ?? null, args.take, args.skip)).map(toSubmissionModel);
  }
}
