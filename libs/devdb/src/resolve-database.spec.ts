import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EmbeddedPostgresError } from './embedded-postgres';
import { resolveDatabaseUrl } from './resolve-database';

describe('resolveDatabaseUrl', () => {
  it('uses DATABASE_URL as it is, in production too', async () => {
    const db = await resolveDatabaseUrl('postgres://u:p@db.example:5432/x', '/nowhere', 'x', { NODE_ENV: 'production' });
    expect(db.url).toBe('postgres://u:p@db.example:5432/x');
    await db.stop();
  });

  it('never falls back to an embedded Postgres in production: nothing is started, the error says what to set', async () => {
    const dataDir = join(tmpdir(), `paivand-never-${process.pid}-${Date.now()}`);
    const refused = resolveDatabaseUrl(undefined, dataDir, 'paivand_hub', { NODE_ENV: 'production' });
    await expect(refused).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(refused).rejects.toThrow('DATABASE_URL is not set');
    expect(existsSync(dataDir)).toBe(false);
  });
});
