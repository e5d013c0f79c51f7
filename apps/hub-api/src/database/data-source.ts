import { DataSourceOptions } from 'typeorm';
import { postgresOptions, runMigrations } from '@paivand/nest-common';
import { HUB_ENTITIES } from './entities';
import { HUB_MIGRATIONS } from './migrations';

export function hubDataSourceOptions(url: string): DataSourceOptions {
  return postgresOptions({ url, entities: HUB_ENTITIES, migrations: HUB_MIGRATIONS, applicationName: 'paivand-hub', poolMax: 20 });
}

/** Runs pending migrations against `url`; returns the names applied. */
export function migrateHub(url: string): Promise<string[]> {
  return runMigrations(hubDataSourceOptions(url));
}
