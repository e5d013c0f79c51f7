import { Args, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CodelistModel, toCodelistModel } from '@paivand/nest-common';
import { currentStandard } from '@paivand/schema';
import { Roles } from '../common/auth/roles.decorator';
import { NodeError } from '../common/errors/node.error';
import { StandardSyncService } from './standard-sync.service';

@ObjectType('NodeStandard', { description: 'The standard this node works on.' })
export class NodeStandardModel {
  @Field({ description: 'Version of the codelists the register accepts (built into this node)' })
  registerVersion!: string;

  @Field({ description: 'Version releases are prepared with: the newest pulled from the hub, or the built-in one when the hub has not answered' })
  releaseVersion!: string;

  @Field(() => [CodelistModel], { description: 'The codelists the register accepts, with labels in tg/ru/en (what a form offers)' })
  codelists!: CodelistModel[];
}

/** The codes staff may enter, with their labels: what a client of the node builds its forms and lists from. */
@Resolver()
export class StandardResolver {
  constructor(private readonly standards: StandardSyncService) {}

  @Roles('caseworker', 'manager', 'centre_admin')
  @Query(() => NodeStandardModel, { description: 'The codelists the register accepts (all, or those named) and the versions in use.' })
  async standard(@Args('codelists', { type: () => [String], nullable: true, description: 'Codelist ids, e.g. ["violence_type", "district"]' }) ids?: string[] | null): Promise<NodeStandardModel> {
    const register = currentStandard();
    const lists = register.standard.codelists;
    if (ids) {
      // the ids are not quoted back: what was typed stays out of errors, as every input value does
      if (ids.some((id) => !register.codelist(id))) {
        throw new NodeError('BAD_USER_INPUT', 'Invalid input: codelists', {
          reason: 'VALIDATION_FAILED',
          fields: [{ field: 'codelists', code: 'UNKNOWN_CODELIST', messages: ['codelists must name codelists of this standard'] }],
        });
      }
    }
    const wanted = ids ? lists.filter((l) => ids.includes(l.id)) : lists;
    return { registerVersion: register.version, releaseVersion: (await this.standards.current()).version, codelists: wanted.map(toCodelistModel) };
  }
}
