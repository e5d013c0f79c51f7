import { ParseIdPipe } from '@paivand/nest-common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/roles.decorator';
import { NodeError } from '../common/errors/node.error';
import { OutboxEntity } from '../outbox/outbox.entity';
import { MAX_OUTBOX_PAGE, OutboxPusher } from '../outbox/outbox.pusher';
import { StandardSyncService } from '../standard-sync/standard-sync.service';
import { HoldReleaseInput, PrepareReleasesInput, ReleaseListInput } from './dto/release.inputs';
import { LedgerEntryModel, OutboxModel, PrepareResultModel, PushResultModel, ReleaseModel, ReleasePreviewModel, RequeueResultModel } from './models/release.models';
import { ReleaseScheduler } from './release.scheduler';
import { toLedgerModel, toOutboxModel, toPreviewModel, toReleaseModel } from './release.mapper';
import { PrepareResult, ReleasesService } from './releases.service';

const actorOf = (p: Principal): string => `staff:${p.id}`;
const toPrepareModel = (r: PrepareResult): PrepareResultModel => ({ period: r.period, periodType: r.periodType, status: r.status, errorCode: r.errorCode ?? null, releases: r.releases.map(toReleaseModel) });

/** Releases are the manager's: preview what leaves the centre, approve or hold it. Caseworkers cannot. */
@Resolver()
export class ReleasesResolver {
  constructor(
    private readonly service: ReleasesService,
    private readonly scheduler: ReleaseScheduler,
    private readonly pusher: OutboxPusher,
    private readonly standards: StandardSyncService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Roles('manager')
  @Query(() => [ReleaseModel], { description: 'Releases, newest first.' })
  async releases(@Args('input', { nullable: true }) input?: ReleaseListInput): Promise<ReleaseModel[]> {
    const i = input ?? new ReleaseListInput();
    return (await this.service.list(i.status, i.first)).map(toReleaseModel);
  }

  @Roles('manager')
  @Query(() => ReleasePreviewModel, { description: 'Every cell that will leave the centre, with labels, status codes and the protection report.' })
  async releasePreview(@Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ReleasePreviewModel> {
    const r = await this.service.get(id);
    const outbox = await this.db.getRepository(OutboxEntity).findOne({ where: { releaseId: id } });
    return toPreviewModel(r, await this.standards.current(), outbox);
  }

  @Roles('manager')
  @Query(() => [OutboxModel], { description: 'Pushes and their import summaries, newest first: the latest `first` (1 to 500).' })
  async outbox(@Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<OutboxModel[]> {
    // Refused, not clamped, as every other page size of the node is.
    if (first < 1 || first > MAX_OUTBOX_PAGE) {
      throw new NodeError('BAD_USER_INPUT', 'Invalid input: first', {
        reason: 'VALIDATION_FAILED',
        fields: [{ field: 'first', code: 'OUT_OF_RANGE', messages: [`first must be from 1 to ${MAX_OUTBOX_PAGE}`] }],
      });
    }
    return (await this.pusher.list(first)).map(toOutboxModel);
  }

  @Roles('manager')
  @Query(() => [LedgerEntryModel], { description: 'Every release this node approved or pushed.' })
  async releaseLedger(): Promise<LedgerEntryModel[]> {
    return (await this.service.ledger()).map(toLedgerModel);
  }

  @Roles('manager')
  @Mutation(() => [PrepareResultModel], { description: 'Prepares one closed period, or every due period (as the scheduled job does).' })
  async prepareReleases(@Args('input', { nullable: true }) input?: PrepareReleasesInput): Promise<PrepareResultModel[]> {
    const results = input?.period ? [await this.service.prepare(input.period)] : await this.scheduler.runDue();
    return results.map(toPrepareModel);
  }

  @Roles('manager')
  @Mutation(() => ReleaseModel, { description: 'Signs the release and queues it for the hub (status approved), or marks it stale when the ledger changed.' })
  async approveRelease(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseIdPipe) id: string): Promise<ReleaseModel> {
    return toReleaseModel(await this.service.approve(id, actorOf(p)));
  }

  @Roles('manager')
  @Mutation(() => ReleaseModel)
  async holdRelease(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }, ParseIdPipe) id: string,
    @Args('input', { nullable: true }) input?: HoldReleaseInput,
  ): Promise<ReleaseModel> {
    return toReleaseModel(await this.service.hold(id, actorOf(p), input?.reason ?? null));
  }

  @Roles('manager')
  @Mutation(() => PushResultModel, { description: 'Pushes due outbox rows now instead of waiting for the interval.' })
  pushOutbox(): Promise<PushResultModel> {
    return this.pusher.pushDue();
  }

  @Roles('manager')
  @Mutation(() => [RequeueResultModel], { description: 'Puts failed or refused pushes back in the queue once the cause is fixed (e.g. the member was reinstated); pending and delivered rows are left alone.' })
  retryDelivery(
    @CurrentPrincipal() p: Principal,
    @Args('releaseIds', { type: () => [ID] }) releaseIds: string[],
  ): Promise<RequeueResultModel[]> {
    return this.pusher.requeue(releaseIds, actorOf(p));
  }
}
