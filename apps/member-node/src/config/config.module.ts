import { DynamicModule, Global, Module } from '@nestjs/common';
import { NodeConfig } from './node-config';

@Global()
@Module({})
export class NodeConfigModule {
  static forRoot(config: NodeConfig): DynamicModule {
    return { module: NodeConfigModule, providers: [{ provide: NodeConfig, useValue: config }], exports: [NodeConfig] };
  }
}
