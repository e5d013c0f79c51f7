import { DataSource, DataSourceOptions, MixedList, EntitySchema, Logger as TypeOrmLogger } from 'typeorm';

export interface AppDatabase {
  readonly url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity and migration classes
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  readonly poolMax: number;
}

/**
 * TypeORM writes nothing. `logging: false` is not enough: its loggers still print a failing
 * migration's error (Postgres's message quotes values: `invalid input syntax for type date:
 * "..."`) and a slow query with its parameters, whatever `logging` says. The apps log a
 * database error themselves, by its name and SQLSTATE (migrationErrorOf).
 */
export class SilentTypeOrmLogger implements TypeOrmLogger {
  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** TypeORM options of both apps: migrations only (never synchronize), one transaction per migration. */
export function postgresOptions(db: AppDatabase): DataSourceOptions {
  return {
    type: 'postgres',
    url: db.url,
    entities: db.entities,
    migrations: db.migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    logger: new SilentTypeOrmLogger(),
    extra: { max: db.poolMax, application_name: db.applicationName },
  };
}

/** Runs pending migrations; returns the names applied. */
export async function runMigrations(options: DataSourceOptions): Promise<string[]> {
  const ds = new DataSource(options);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
