import { withDatabase } from '@paivand/devdb';
import { ConfigError, loadNodeConfig } from '../src/config/node-config';
import { createTestDatabase } from '../../../test/harness/database';
import { runCli as cli } from './utils/cli';
import { newKey, NodeTestApp, startNodeTestApp, TEST_CENTRE, TEST_JWT_SECRET } from './utils/node-test-app';

jest.setTimeout(60_000);

const BASE = { CENTRE_ID: 'DSH', JWT_SECRET: 'j'.repeat(40), NODE_ENCRYPTION_KEYS: `k1:${newKey()}` };

/** The node's environment at boot as an IT operator gets it wrong, and the command line when the database is not there. */
describe('member node, operator: environment and the database', () => {
  it.each([
    ['AUTO_APPROVE', 'ture'],
    ['AUTO_APPROVE', 'on please'],
    ['FEDERATION_JOBS', 'flase'],
    ['MIGRATIONS_RUN', 'yes-ish'],
    ['PORT', 'eighty'],
    ['LOG_LEVEL', 'verbose'],
    ['JWT_SECRET', 'short-secret-value'],
    ['HUB_CLIENT_SECRET', 'tiny-secret'],
    ['NODE_ENCRYPTION_KEYS', 'k1:c2VjcmV0'],
    ['DATABASE_URL', 'mysql://root:hunter2hunter2@db/x'],
  ])('%s=%s fails naming the variable, never echoing the value', (name, value) => {
    let error: unknown;
    try {
      loadNodeConfig({ ...BASE, [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual([name]);
    expect((error as ConfigError).message).toContain(name);
    expect((error as ConfigError).message).not.toContain(value);
  });

  it('MIGRATIONS_RUN=true migrates an empty database before the app starts, and the node starts on it', async () => {
    const empty = await createTestDatabase('node-unmigrated', 'empty', async () => undefined);
    let node: NodeTestApp | undefined;
    try {
      node = await startNodeTestApp({ MIGRATIONS_RUN: 'true' }, empty);
      const [{ n }]: { n: number }[] = await node.dataSource.query('SELECT count(*)::int AS n FROM typeorm_migrations');
      expect(n).toBeGreaterThan(0);
      expect(node.dataSource.migrations.length).toBe(n);
    } finally {
      await node?.close();
      await empty.drop();
    }
  });

  it('reads the usual spellings of yes and no', () => {
    for (const [v, b] of [['true', true], ['1', true], ['yes', true], ['TRUE', true], ['false', false], ['0', false], ['no', false], ['', false]] as const) {
      expect(loadNodeConfig({ ...BASE, AUTO_APPROVE: v }).AUTO_APPROVE).toBe(b);
    }
  });

  describe('the command line without its database', () => {
    let node: NodeTestApp;
    const saved = { ...process.env };
    beforeAll(async () => {
      node = await startNodeTestApp();
      Object.assign(process.env, { CENTRE_ID: TEST_CENTRE, JWT_SECRET: TEST_JWT_SECRET, NODE_ENCRYPTION_KEYS: `k1:${newKey()}`, LOG_LEVEL: 'silent' });
    });
    afterAll(async () => {
      process.env = saved;
      await node.close();
    });

    it('a database that does not answer: exit 6, a clean stdout, no password on stderr', async () => {
      process.env.DATABASE_URL = 'postgres://paivand:db-password-123456@127.0.0.1:1/paivand_node';
      const r = await cli('--json', 'ledger');
      expect(r).toMatchObject({ code: 6, out: '' });
      expect(r.err).toContain('database');
      expect(r.err).not.toContain('db-password-123456');
    });

    it('a database that refuses the password: exit 5 naming DATABASE_URL, never the password', async () => {
      const url = new URL(withDatabase(node.db.url, node.db.name));
      url.password = 'not-the-password-987654';
      process.env.DATABASE_URL = url.toString();
      const r = await cli('--json', 'ledger');
      // trust authentication (some local servers) lets any password in: then the command simply works
      if (r.code !== 0) {
        expect(r).toMatchObject({ code: 5, out: '' });
        expect(r.err).toContain('DATABASE_URL');
        expect(r.err).not.toContain('not-the-password-987654');
      }
    });
  });
});
