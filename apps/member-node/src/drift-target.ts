import { createNodeApp } from './app.factory';
import { loadNodeConfig } from './config/node-config';
import { nodeDataSourceOptions } from './database/data-source';

/** Read by scripts/check-drift.ts: entities vs migrations, and the committed schema.gql. */
export const driftTarget = {
  name: 'member-node',
  options: nodeDataSourceOptions,
  committedSchema: 'apps/member-node/schema.gql',
  regenerate: 'npm run node:schema',
  writeSchema: async (url: string, file: string): Promise<void> => {
    const cfg = loadNodeConfig({
      JWT_SECRET: 'drift-check-'.padEnd(40, 'x'),
      CENTRE_ID: 'drift',
      NODE_ENCRYPTION_KEYS: `d:${'A'.repeat(43)}=`,
      LOG_LEVEL: 'silent',
      GRAPHQL_SCHEMA_FILE: file,
    });
    const app = await createNodeApp(cfg, url);
    await app.close();
  },
};
