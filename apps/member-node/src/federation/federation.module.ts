import { Global, Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { BACKOFF_POLICY, HUB_CLIENT, SIGNING_KEY, backoffOf, hubClientOf, signingKeyOf } from './federation.providers';

/** The hub client, the node's signing key and the backoff policy, built once from the config. */
@Global()
@Module({
  providers: [
    { provide: HUB_CLIENT, inject: [NodeConfig], useFactory: hubClientOf },
    { provide: SIGNING_KEY, inject: [NodeConfig], useFactory: signingKeyOf },
    { provide: BACKOFF_POLICY, inject: [NodeConfig], useFactory: backoffOf },
  ],
  exports: [HUB_CLIENT, SIGNING_KEY, BACKOFF_POLICY],
})
export class FederationModule {}
