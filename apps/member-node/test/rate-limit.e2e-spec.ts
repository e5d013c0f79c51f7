import request from 'supertest';
import { NodeTestApp, startNodeTestApp } from './utils/node-test-app';

/** Requests per minute per staff account (per IP signed out), as on the hub. */
describe('member node: request rate per account', () => {
  let node: NodeTestApp;

  beforeAll(async () => {
    node = await startNodeTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
  }, 60_000);
  afterAll(() => node.close());

  it('refuses an account its sixth request within a minute with RATE_LIMITED, and leaves other accounts alone', async () => {
    // the window is a fixed minute: start well inside one, so that every request below falls in it
    const second = new Date().getSeconds();
    if (second >= 50) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    // signIn itself makes one request (login), anonymous, from this address
    const [busy, other] = [await node.signIn('caseworker'), await node.signIn('manager')];
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await node.gql('{ me { role } }', {}, busy)).errors?.[0].extensions?.code ?? 'OK');
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect((await node.gql('{ me { role } }', {}, other)).data?.me.role).toBe('manager');
    // REST counts too: the export of the busy account is refused before anything is read
    const res = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${busy}`).send({ format: 'csv', password: 'export password 1' });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    const [{ n }] = await node.dataSource.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'register.export'`);
    expect(n).toBe(0);
  }, 30_000);
});
