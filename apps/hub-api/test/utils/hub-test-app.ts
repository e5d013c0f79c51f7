import { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestDatabase, hashDirectory, TestDatabase } from '../../../../test/harness/database';
import { AccountsService } from '../../src/accounts/accounts.service';
import { hashSecret } from '@paivand/nest-common';
import { createHubApp } from '../../src/app.factory';
import { HubRole } from '../../src/common/auth/principal';
import { loadHubConfig } from '../../src/config/hub-config';
import { migrateHub } from '../../src/database/data-source';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface HubTestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  /** POST /graphql; returns the parsed body (`data`, `errors`). */
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult>;
  /** Creates an account straight in the database and returns a signed-in token for it. */
  signIn(role: HubRole, memberId?: string | null, email?: string): Promise<string>;
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

/** Boots the real hub on a fresh database cloned from the migrated template. */
export async function startHubTestApp(env: Record<string, string> = {}): Promise<HubTestApp> {
  const migrationsDir = join(__dirname, '../../src/database/migrations');
  const db = await createTestDatabase('hub', hashDirectory(migrationsDir), async (url) => void (await migrateHub(url)));
  const config = loadHubConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: db.url, ...env });
  const app = await createHubApp(config, db.url);
  const dataSource = app.get(DataSource);
  const passwordHash = await hashSecret(TEST_PASSWORD);

  const gql: HubTestApp['gql'] = async (query, variables, token) => {
    const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body?.data, errors: res.body?.errors };
  };

  const signIn: HubTestApp['signIn'] = async (role, memberId = null, email) => {
    const address = email ?? `${role}.${++counter}.${Date.now()}@example.test`;
    await dataSource.transaction((tx) =>
      app.get(AccountsService).insert(tx, null, { email: address, displayName: `Test ${role}`, role, memberId, passwordHash }),
    );
    const res = await gql('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', {
      i: { email: address, password: TEST_PASSWORD },
    });
    const token = res.data?.login?.accessToken as string | undefined;
    if (!token) throw new Error(`sign-in failed: ${JSON.stringify(res.errors)}`);
    return token;
  };

  return {
    app,
    db,
    dataSource,
    gql,
    signIn,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
