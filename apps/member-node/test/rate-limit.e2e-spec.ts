import request from 'supertest';
import { NodeTestApp, startNodeTestApp } from './utils/node-test-app';

/** Requests per minute per staff account (per IP signed out), as on the hub. */
describe('member node: request rate per account', () => {
  let node: NodeTestApp;

  beforeAll(async () => {
    node = await startNodeTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
  }, 60_000);
  afterAll(() => node.close());

  const logged = async (): Promise<number> => (await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'register.export'`))[0].n;

  it('refuses an account its sixth request within a minute with RATE_LIMITED, and leaves other accounts alone', async () => {
    // The window is a fixed minute: a run the minute turned during is run once more (it then starts a new minute).
    const minute = (): number => Math.floor(Date.now() / 60_000);
    for (let attempt = 1; ; attempt++) {
      const began = minute();
      // signIn itself makes one request (login), anonymous, from this address
      const [busy, other] = [await node.signIn('caseworker'), await node.signIn('manager')];
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) codes.push((await node.gql('{ me { role } }', {}, busy)).errors?.[0].extensions?.code ?? 'OK');
      const otherRole = (await node.gql('{ me { role } }', {}, other)).data?.me.role;
      // REST counts too: the export of the busy account is refused before anything is read
      const exportsBefore = await logged();
      const res = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${busy}`).send({ format: 'csv', password: 'export password 1' });
      if (minute() !== began && attempt === 1) continue;
      expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
      expect(otherRole).toBe('manager');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(await logged()).toBe(exportsBefore);
      return;
    }
  }, 30_000);
});
