import { Module } from '@nestjs/common';
import { StatisticsCsvController } from './statistics.controller';
import { StatisticsResolver } from './statistics.resolver';
import { StatisticsService } from './statistics.service';

@Module({ providers: [StatisticsService, StatisticsResolver], controllers: [StatisticsCsvController], exports: [StatisticsService] })
export class StatisticsModule {}
