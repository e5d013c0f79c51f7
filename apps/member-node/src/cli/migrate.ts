import 'reflect-metadata';
import { migrateAndExit } from '@paivand/nest-common';
import { loadNodeConfig } from '../config/node-config';
import { migrateNode } from '../database/data-source';

/** `npm run node:migrate`: applies pending migrations (the app never uses synchronize). */
const config = loadNodeConfig({ JWT_SECRET: 'x'.repeat(32), CENTRE_ID: 'migrate', NODE_ENCRYPTION_KEYS: `m:${'A'.repeat(43)}=`, ...process.env });
migrateAndExit({ name: 'node-migrate', databaseUrl: config.DATABASE_URL, embeddedDir: config.EMBEDDED_PG_DIR ?? '.data/node-pg', embeddedDatabase: 'paivand_node', migrate: migrateNode });
