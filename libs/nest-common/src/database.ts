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

/**
 * How long a migration waits for a table's lock before it gives up (55P03; the migration is rolled
 * back and can run again). Without it an ALTER TABLE waits behind a long reader (an export's
 * snapshot, held while its client downloads) and every query of the register queues behind the ALTER.
 */
export const MIGRATION_LOCK_TIMEOUT_MS = 15_000;

/** Runs pending migrations; returns the names applied. */
export async function runMigrations(options: DataSourceOptions, lockTimeoutMs = MIGRATION_LOCK_TIMEOUT_MS): Promise<string[]> {
  const extra = (options as { extra?: Record<string, unknown> }).extra ?? {};
  const ds = new DataSource({ ...options, extra: { ...extra, options: `-c lock_timeout=${Math.round(lockTimeoutMs)}` } });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
