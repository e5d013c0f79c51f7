import { Global, Module } from '@nestjs/common';
import { StandardsController } from './standards.controller';
import { StandardsResolver } from './standards.resolver';
import { StandardsService } from './standards.service';

@Global()
@Module({ providers: [StandardsService, StandardsResolver], controllers: [StandardsController], exports: [StandardsService] })
export class StandardsModule {}
