import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HubClient, HubUnavailableError } from './hub-client';

/** A server standing where the hub should be, answering every request with `status` and `body`. */
async function impostor(status: number, body: string, contentType = 'text/html'): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('HubClient: what is not the hub is not taken for it', () => {
  const cases: [string, string, string][] = [
    ['a captive portal page', '<html><body>Sign in to the Wi-Fi</body></html>', 'text/html'],
    ['JSON of something else', '{"hello":"world"}', 'application/json'],
    ['a JSON string', '"ok"', 'application/json'],
  ];
  for (const [what, body, type] of cases) {
    it(`a 200 with ${what}: hub unavailable, retryable (the outbox keeps the release and backs off)`, async () => {
      const { url, server } = await impostor(200, body, type);
      try {
        const client = new HubClient({ baseUrl: url, clientId: 'c', clientSecret: 's', timeoutMs: 5_000 });
        for (const call of [() => client.submit('{}'), () => client.standard()]) {
          const err = await call().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(HubUnavailableError);
          expect((err as HubUnavailableError).retryable).toBe(true);
          expect((err as Error).message).not.toContain('Wi-Fi');
        }
      } finally {
        server.close();
      }
    });
  }
});
