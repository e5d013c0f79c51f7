/**
 * CI guard (STYLE.md rule 6): fails when an app's entities and migrations drift apart,
 * or when its committed schema.gql differs from what the code generates.
 * With --write it regenerates the committed schema.gql files instead of comparing.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';

const WRITE = process.argv.includes('--write');

export interface DriftTarget {
  name: string;
  options: (url: string) => DataSourceOptions;
  /** Boots the app writing its SDL to `file`, then closes it. */
  writeSchema: (url: string, file: string) => Promise<void>;
  committedSchema: string;
  regenerate: string;
}

async function targets(only: string): Promise<DriftTarget[]> {
  const out: DriftTarget[] = [];
  if (only === 'member-node') {
    // The member node exports its own target (entities, migrations, schema writer).
    const nodeTarget = join(__dirname, '../apps/member-node/src/drift-target.ts');
    if (existsSync(nodeTarget)) out.push(((await import(nodeTarget)) as { driftTarget: DriftTarget }).driftTarget);
    return out;
  }
  const hubDs = await import('../apps/hub-api/src/database/data-source');
  const hubApp = await import('../apps/hub-api/src/app.factory');
  const hubConfig = await import('../apps/hub-api/src/config/hub-config');
  out.push({
    name: 'hub-api',
    options: hubDs.hubDataSourceOptions,
    committedSchema: 'apps/hub-api/schema.gql',
    regenerate: 'npm run schema:gql',
    writeSchema: async (url, file) => {
      const cfg = hubConfig.loadHubConfig({ JWT_SECRET: 'drift-check-'.padEnd(40, 'x'), LOG_LEVEL: 'silent', GRAPHQL_SCHEMA_FILE: file });
      const app = await hubApp.createHubApp(cfg, url);
      await app.close();
    },
  });
  return out;
}

/**
 * Each app is checked in a process of its own: @nestjs/graphql keeps type metadata in a
 * process-wide store, so two apps loaded together would leak types into each other's SDL.
 */
async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (!only) {
    const { spawnSync } = await import('node:child_process');
    let status = 0;
    for (const name of ['hub-api', 'member-node']) {
      const r = spawnSync(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2), `--only=${name}`], { stdio: 'inherit' });
      status ||= r.status ?? 1;
    }
    process.exit(status);
  }
  await checkTargets(only);
}

async function checkTargets(only: string): Promise<void> {
  const pg = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedPostgres({ persistent: false });
  const failures: string[] = [];
  try {
    for (const t of await targets(only)) {
      const url = withDatabase(pg.url, `drift_${t.name.replace(/-/g, '_')}_${Date.now()}`);
      await ensureDatabase(url);
      const ds = new DataSource(t.options(url));
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      const pending = await ds.driver.createSchemaBuilder().log();
      await ds.destroy();
      if (pending.upQueries.length > 0) {
        failures.push(
          `${t.name}: entities and migrations drift; a migration is missing:\n` +
            pending.upQueries.map((q) => `  ${q.query}`).join('\n'),
        );
      } else {
        console.log(`${t.name}: migrations match entities`);
      }
      const dir = mkdtempSync(join(tmpdir(), 'paivand-sdl-'));
      let generated: string;
      try {
        const file = join(dir, 'schema.gql');
        await t.writeSchema(url, file);
        generated = readFileSync(file, 'utf8');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const committed = existsSync(t.committedSchema) ? readFileSync(t.committedSchema, 'utf8') : '';
      if (WRITE) {
        writeFileSync(t.committedSchema, generated);
        console.log(`${t.name}: wrote ${t.committedSchema}`);
      } else if (generated !== committed) failures.push(`${t.name}: ${t.committedSchema} is stale; regenerate it with ${t.regenerate}`);
      else console.log(`${t.name}: ${t.committedSchema} is current`);
    }
  } finally {
    await pg.stop();
  }
  if (failures.length > 0) {
    console.error(failures.join('\n\n'));
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
