// Server-Server API, "Retrieving server keys": a server's own keys (keys_server.yaml) and a
// notary's copies of other servers' keys (keys_query.yaml).
import type { FederationClient } from '../client.ts';
import { seg } from '../client.ts';

/** GET /_matrix/key/v2/server: unsigned, as a server cannot sign before its keys are known. */
export function fetchServerKeys(client: FederationClient, server: string, timeoutMs = 10_000): Promise<unknown> {
  return client.request(server, 'GET', '/_matrix/key/v2/server', { unsigned: true, timeoutMs });
}

export type KeyCriteria = Record<string, Record<string, { minimum_valid_until_ts?: number }>>;

/** POST /_matrix/key/v2/query to a notary. */
export async function notaryQuery(client: FederationClient, notary: string, serverKeys: KeyCriteria, timeoutMs = 10_000): Promise<unknown[]> {
  const res = await client.request<{ server_keys?: unknown }>(notary, 'POST', '/_matrix/key/v2/query', {
    body: { server_keys: serverKeys },
    timeoutMs,
  });
  return Array.isArray(res.server_keys) ? res.server_keys : [];
}

/** GET /_matrix/key/v2/query/{serverName} to a notary (used by tests and tools). */
export async function notaryQueryOne(client: FederationClient, notary: string, server: string, minValidUntil?: number): Promise<unknown[]> {
  const res = await client.request<{ server_keys?: unknown }>(notary, 'GET', `/_matrix/key/v2/query/${seg(server)}`, {
    query: { minimum_valid_until_ts: minValidUntil },
  });
  return Array.isArray(res.server_keys) ? res.server_keys : [];
}
