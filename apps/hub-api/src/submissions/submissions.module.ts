import { Module } from '@nestjs/common';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsResolver } from './submissions.resolver';
import { SubmissionsService } from './submissions.service';

@Module({ providers: [SubmissionsService, SubmissionsResolver], controllers: [SubmissionsController] })
export class SubmissionsModule {}
