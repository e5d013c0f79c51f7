import { DataSource, DataSourceOptions } from 'typeorm';
import { HUB_ENTITIES } from './entities';
import { HUB_MIGRATIONS } from './migrations';

export function hubDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: HUB_ENTITIES,
    migrations: HUB_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 20, application_name: 'paivand-hub' },
  };
}

/** Runs pending migrations against `url`; returns the names applied. */
export async function migrateHub(url: string): Promise<string[]> {
  const ds = new DataSource(hubDataSourceOptions(url));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
