import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { CompletenessInput, StatisticsQueryInput } from './dto/statistics.input';
import { CompletenessCellModel, StatCellModel, StatisticsTableModel } from './models/statistics.model';
import { cellBudgetOf, StatisticsService } from './statistics.service';

@Resolver()
export class StatisticsResolver {
  constructor(private readonly stats: StatisticsService) {}

  @Public()
  @Query(() => StatisticsTableModel, {
    description:
      'Query a dataset. The audience follows the caller: the Association sees per-member figures, a member its own, researchers and the Ombudsman protected combined figures, anyone else the same for public datasets only.',
  })
  statistics(@CurrentPrincipal() p: Principal | undefined, @Args('query') query: StatisticsQueryInput, @Context('req') req: object): Promise<StatisticsTableModel> {
    return this.stats.query(p, query, cellBudgetOf(req));
  }

  @Public()
  @Query(() => [StatCellModel], { description: 'The total per period over a range (a time series), with the same audience rules.' })
  async timeSeries(@CurrentPrincipal() p: Principal | undefined, @Args('query') query: StatisticsQueryInput, @Context('req') req: object): Promise<StatCellModel[]> {
    return (await this.stats.query(p, { ...query, byPeriod: true }, cellBudgetOf(req))).cells;
  }

  @Roles('association_admin', 'member')
  @Query(() => [CompletenessCellModel], { description: 'Members x periods: on time, late or missing against the due day. A member sees its own row.' })
  completeness(@CurrentPrincipal() p: Principal, @Args('query') query: CompletenessInput): Promise<CompletenessCellModel[]> {
    return this.stats.completeness(p, query);
  }
}
