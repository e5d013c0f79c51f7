import { Global, Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { KeyRing } from './key-ring';
import { KeyRingCheck } from './key-ring-check';

/** The centre's field-encryption key ring, built once from NODE_ENCRYPTION_KEYS, and checked at start against what the database holds. */
@Global()
@Module({
  providers: [{ provide: KeyRing, inject: [NodeConfig], useFactory: (c: NodeConfig) => new KeyRing(c.NODE_ENCRYPTION_KEYS) }, KeyRingCheck],
  exports: [KeyRing],
})
export class CryptoModule {}
