import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { FederationModule } from '../federation/federation.module';
import { OutboxPusher } from '../outbox/outbox.pusher';
import { StandardSyncModule } from '../standard-sync/standard-sync.module';
import { ReleaseProjection } from './release-projection';
import { ReleaseScheduler } from './release.scheduler';
import { ReleasesResolver } from './releases.resolver';
import { ReleasesService } from './releases.service';

/** Releases, the outbox pusher and the standard sync: the node's side of the federation. */
@Module({
  imports: [ScheduleModule.forRoot(), FederationModule, StandardSyncModule],
  providers: [ReleaseProjection, ReleasesService, ReleaseScheduler, OutboxPusher, ReleasesResolver],
  exports: [ReleasesService, ReleaseScheduler, OutboxPusher, StandardSyncModule],
})
export class ReleasesModule {}
