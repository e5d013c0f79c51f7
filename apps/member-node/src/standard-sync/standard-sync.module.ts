import { Module } from '@nestjs/common';
import { StandardSyncService } from './standard-sync.service';

@Module({ providers: [StandardSyncService], exports: [StandardSyncService] })
export class StandardSyncModule {}
