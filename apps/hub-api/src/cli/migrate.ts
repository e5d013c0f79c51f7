import 'reflect-metadata';
import { migrateAndExit } from '@paivand/nest-common';
import { loadHubConfig } from '../config/hub-config';
import { migrateHub } from '../database/data-source';

/** `npm run hub:migrate`: applies pending migrations (the app never uses synchronize). */
const config = loadHubConfig({ JWT_SECRET: 'x'.repeat(32), ...process.env });
migrateAndExit({ name: 'hub-migrate', databaseUrl: config.DATABASE_URL, embeddedDir: config.EMBEDDED_PG_DIR ?? '.data/hub-pg', embeddedDatabase: 'paivand_hub', migrate: migrateHub });
