import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestDatabase, hashDirectory, TestDatabase } from '../../../../test/harness/database';
import { createNodeApp } from '../../src/app.factory';
import { NodeRole } from '../../src/common/auth/principal';
import { loadNodeConfig } from '../../src/config/node-config';
import { migrateNode } from '../../src/database/data-source';
import { hashSecret } from '@paivand/nest-common';
import { StaffService } from '../../src/staff/staff.service';

export const TEST_JWT_SECRET = 'node-test-secret-node-test-secret-0123456789';
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_CENTRE = 'DSH';

export const newKey = (): string => randomBytes(32).toString('base64');

export interface NodeTestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  /** Every log line the app wrote (pino JSON), for the hunt for identifiable values. */
  logs: string[];
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult>;
  /** Creates an account straight in the database and returns a signed-in token for it. */
  signIn(role: NodeRole, username?: string): Promise<string>;
  close(): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the tests */
export interface GqlResult {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; details?: any } }[];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

let counter = 0;
let hashPromise: Promise<string> | undefined;

export async function nodeTestDatabase(): Promise<TestDatabase> {
  const migrationsDir = join(__dirname, '../../src/database/migrations');
  return createTestDatabase('node', hashDirectory(migrationsDir), async (url) => void (await migrateNode(url)));
}

/** Boots the real member node on a fresh database cloned from the migrated template, capturing its logs. */
export async function startNodeTestApp(env: Record<string, string> = {}, existing?: TestDatabase): Promise<NodeTestApp> {
  const db = existing ?? (await nodeTestDatabase());
  const config = loadNodeConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    CENTRE_ID: TEST_CENTRE,
    NODE_ENCRYPTION_KEYS: `k1:${newKey()}`,
    LOG_LEVEL: 'info',
    DATABASE_URL: db.url,
    ...env,
  });
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const app = await createNodeApp(config, db.url, { logDestination });
  const dataSource = app.get(DataSource);
  hashPromise ??= hashSecret(TEST_PASSWORD);
  const passwordHash = await hashPromise;

  const gql: NodeTestApp['gql'] = async (query, variables, token) => {
    const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body?.data, errors: res.body?.errors };
  };

  const signIn: NodeTestApp['signIn'] = async (role, username) => {
    const name = username ?? `${role.replace(/_/g, '-')}.${++counter}.${Date.now()}`;
    await dataSource.transaction((tx) => app.get(StaffService).insert(tx, null, { username: name, displayName: `Test ${role}`, role, passwordHash }));
    const res = await gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: name, password: TEST_PASSWORD } });
    const token = res.data?.login?.accessToken as string | undefined;
    if (!token) throw new Error(`sign-in failed: ${JSON.stringify(res.errors)}`);
    return token;
  };

  return {
    app,
    db,
    dataSource,
    logs,
    gql,
    signIn,
    close: async () => {
      await app.close();
      if (!existing) await db.drop();
    },
  };
}
