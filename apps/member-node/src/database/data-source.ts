import { DataSource, DataSourceOptions } from 'typeorm';
import { NODE_ENTITIES } from './entities';
import { NODE_MIGRATIONS } from './migrations';

export function nodeDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: NODE_ENTITIES,
    migrations: NODE_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 10, application_name: 'paivand-member-node' },
  };
}

/** Runs pending migrations against `url`; returns the names applied. */
export async function migrateNode(url: string): Promise<string[]> {
  const ds = new DataSource(nodeDataSourceOptions(url));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
