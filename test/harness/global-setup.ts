import { startEmbeddedPostgres } from '../../libs/devdb/src';

/**
 * Starts one real Postgres for the whole Jest run (embedded by default), or uses the
 * server named by DATABASE_URL. Workers read PAIVAND_TEST_PG_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.PAIVAND_TEST_PG_URL = process.env.DATABASE_URL;
    return;
  }
  const pg = await startEmbeddedPostgres({ persistent: false });
  process.env.PAIVAND_TEST_PG_URL = pg.url;
  (globalThis as { __PAIVAND_PG__?: { stop(): Promise<void> } }).__PAIVAND_PG__ = pg;
}
