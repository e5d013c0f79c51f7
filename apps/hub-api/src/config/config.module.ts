import { DynamicModule, Global, Module } from '@nestjs/common';
import { HubConfig } from './hub-config';

@Global()
@Module({})
export class HubConfigModule {
  static forRoot(config: HubConfig): DynamicModule {
    return { module: HubConfigModule, providers: [{ provide: HubConfig, useValue: config }], exports: [HubConfig] };
  }
}
