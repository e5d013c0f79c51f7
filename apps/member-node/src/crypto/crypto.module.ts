import { Global, Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { KeyRing } from './key-ring';

/** The centre's field-encryption key ring, built once from NODE_ENCRYPTION_KEYS. */
@Global()
@Module({
  providers: [{ provide: KeyRing, inject: [NodeConfig], useFactory: (c: NodeConfig) => new KeyRing(c.NODE_ENCRYPTION_KEYS) }],
  exports: [KeyRing],
})
export class CryptoModule {}
