import type { ImportSummary, Standard } from '@paivand/schema';

/** A failure talking to the hub; `retryable` tells the outbox whether to try again later. */
export class HubUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HubUnavailableError';
  }
}

export interface HubClientOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs?: number;
}

/**
 * The node's side of the hub's REST API for nodes (apps/hub-api/README.md):
 * client credentials -> short-lived JWT, signed submissions, the standard.
 */
export class HubClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly opts: HubClientOptions) {}

  /** Sends the exact bytes of a signed submission; resolves with the hub's import summary. */
  async submit(body: string): Promise<ImportSummary> {
    const res = await this.authorized('/api/v1/submissions', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const summary = await json<Partial<ImportSummary>>(res);
    if (typeof summary.status !== 'string' || !Array.isArray(summary.conflicts)) throw notTheHub(res);
    return summary as ImportSummary;
  }

  async standard(): Promise<Standard> {
    const res = await this.request('/api/v1/standard', { method: 'GET' });
    const standard = await json<Partial<Standard>>(res);
    if (typeof standard.version !== 'string' || !Array.isArray(standard.codelists)) throw notTheHub(res);
    return standard as Standard;
  }

  private async authorized(path: string, init: RequestInit): Promise<Response> {
    const first = await this.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await this.accessToken()}` } }, true);
    if (first.status !== 401) return this.check(first);
    // The token may have expired in flight: one fresh token, one more try.
    this.token = null;
    const second = await this.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await this.accessToken()}` } }, true);
    return this.check(second);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - 30_000 > Date.now()) return this.token.value;
    const res = await this.request('/api/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: this.opts.clientId, clientSecret: this.opts.clientSecret }),
    });
    const body = await json<{ accessToken?: unknown; expiresAt?: unknown }>(res);
    if (typeof body.accessToken !== 'string' || typeof body.expiresAt !== 'string') throw notTheHub(res);
    this.token = { value: body.accessToken, expiresAt: Date.parse(body.expiresAt) };
    return body.accessToken;
  }

  private async request(path: string, init: RequestInit, raw = false): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.opts.baseUrl), { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    } catch (err) {
      const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'network error';
      throw new HubUnavailableError(`hub unreachable: ${reason}`, true);
    }
    return raw ? res : this.check(res);
  }

  private async check(res: Response): Promise<Response> {
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let code = '';
    try {
      const parsed = (JSON.parse(text) as { code?: unknown }).code;
      code = typeof parsed === 'string' ? parsed : '';
    } catch {
      /* not JSON */
    }
    // 408/429/5xx: the hub or the path to it is struggling; anything else will not change by retrying.
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new HubUnavailableError(`hub answered ${res.status}${code ? ` ${code}` : ''}`, retryable, res.status);
  }
}

/**
 * A 200 whose body is not what the hub answers (a captive portal on a rural link, a proxy's page):
 * the hub was not reached, so the outbox tries again later, with its backoff.
 */
function notTheHub(res: Response): HubUnavailableError {
  return new HubUnavailableError(`hub answered ${res.status} with a body that is not the hub's`, true, res.status);
}

async function json<T>(res: Response): Promise<T> {
  try {
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null) throw notTheHub(res);
    return body as T;
  } catch (err) {
    if (err instanceof HubUnavailableError) throw err;
    throw notTheHub(res);
  }
}
