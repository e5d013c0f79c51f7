import { DataSource } from 'typeorm';

/**
 * Waits until at least `sessions` sessions of this test's database wait on a lock (a row, a
 * table, an advisory lock), for tests that must commit only once the request under test is
 * blocked. Counted in pg_stat_activity for this database only: the suites share one server, and
 * pg_locks counts the waits of the other suites' sessions too (the harness itself waits on an
 * advisory lock while it clones a template), which ended such polls before the request waited.
 */
export async function waitForLockWaits(ds: DataSource, what: string, sessions = 1, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }]: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (n >= sessions) return;
    if (Date.now() > deadline) throw new Error(`${what}: no session waited on a lock within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
