import { DataSourceOptions } from 'typeorm';
import { postgresOptions, runMigrations } from '@paivand/nest-common';
import { NODE_ENTITIES } from './entities';
import { NODE_MIGRATIONS } from './migrations';

export function nodeDataSourceOptions(url: string): DataSourceOptions {
  return postgresOptions({ url, entities: NODE_ENTITIES, migrations: NODE_MIGRATIONS, applicationName: 'paivand-member-node', poolMax: 10 });
}

/** Runs pending migrations against `url`; returns the names applied. */
export function migrateNode(url: string): Promise<string[]> {
  return runMigrations(nodeDataSourceOptions(url));
}
