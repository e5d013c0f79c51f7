import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Public, Roles } from '../common/auth/roles.decorator';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { StandardVersionModel } from './models/standard.model';
import { toStandardVersionModel } from './standards.mapper';
import { StandardsService } from './standards.service';

@Resolver()
export class StandardsResolver {
  constructor(private readonly standards: StandardsService) {}

  @Public()
  @Query(() => StandardVersionModel, { description: 'The standard (current version when none is named). It holds no data, so it is public.' })
  async standard(@Args('version', { type: () => String, nullable: true }) version?: string | null): Promise<StandardVersionModel> {
    return toStandardVersionModel(await this.standards.find(version));
  }

  @Public()
  @Query(() => [StandardVersionModel], { description: 'Every published version, newest first (at most 100).' })
  async standardVersions(): Promise<StandardVersionModel[]> {
    return (await this.standards.versions()).map(toStandardVersionModel);
  }

  @Roles('association_admin')
  @Mutation(() => StandardVersionModel, { description: 'Publish a new version of the standard; it becomes current.' })
  async publishStandard(@CurrentPrincipal() p: Principal, @Args('document', { type: () => GraphQLJSON }) document: unknown): Promise<StandardVersionModel> {
    return toStandardVersionModel(await this.standards.publish(p, document));
  }
}
