import { Module } from '@nestjs/common';
import { StandardResolver } from './standard.resolver';
import { StandardSyncService } from './standard-sync.service';

@Module({ providers: [StandardSyncService, StandardResolver], exports: [StandardSyncService] })
export class StandardSyncModule {}
