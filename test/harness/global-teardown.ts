export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __PAIVAND_PG__?: { stop(): Promise<void> } }).__PAIVAND_PG__;
  if (pg) await pg.stop();
}
