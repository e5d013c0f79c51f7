import { NodeConfig } from '../config/node-config';
import { DEFAULT_BACKOFF, BackoffPolicy } from './backoff';
import { HubClient } from './hub-client';
import { NodeSigningKey } from './signing-key';

/** Injection tokens: absent configuration gives `null` (a node may run without a hub, e.g. before admission). */
export const HUB_CLIENT = Symbol('HUB_CLIENT');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
export const BACKOFF_POLICY = Symbol('BACKOFF_POLICY');

export function hubClientOf(c: NodeConfig): HubClient | null {
  if (!c.HUB_URL || !c.HUB_CLIENT_ID || !c.HUB_CLIENT_SECRET) return null;
  return new HubClient({ baseUrl: c.HUB_URL, clientId: c.HUB_CLIENT_ID, clientSecret: c.HUB_CLIENT_SECRET, timeoutMs: 30_000 });
}

export function signingKeyOf(c: NodeConfig): NodeSigningKey | null {
  return c.NODE_SIGNING_KEY ? NodeSigningKey.fromPrivateKey(c.NODE_SIGNING_KEY) : null;
}

export function backoffOf(c: NodeConfig): BackoffPolicy {
  return { baseMs: c.OUTBOX_BACKOFF_BASE_MS ?? DEFAULT_BACKOFF.baseMs, capMs: c.OUTBOX_BACKOFF_CAP_MS ?? DEFAULT_BACKOFF.capMs };
}

/** The member id the hub knows this node by. */
export const memberIdOf = (c: NodeConfig): string => c.MEMBER_ID ?? c.CENTRE_ID;
