import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller';
import { ImportsResolver } from './imports.resolver';
import { ImportsService } from './imports.service';

@Module({ controllers: [ImportsController], providers: [ImportsService, ImportsResolver], exports: [ImportsService] })
export class ImportsModule {}
