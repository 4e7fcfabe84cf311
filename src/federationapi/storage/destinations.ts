// federationapi_destinations: how sending to each server has gone lately: consecutive failures,
// when to try again (exponential backoff), and whether it is blacklisted after too many
// failures (federation_api.send_max_retries). A row exists only for servers that have failed.
import type { Queryable } from '../../storage/types.ts';

export const DESTINATIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_destinations (
  server_name TEXT NOT NULL PRIMARY KEY,
  failures BIGINT NOT NULL,
  retry_at BIGINT NOT NULL,
  blacklisted SMALLINT NOT NULL
)`;

export interface DestinationState {
  serverName: string;
  failures: number;
  retryAt: number;
  blacklisted: boolean;
}

type Raw = { server_name: string; failures: number; retry_at: number; blacklisted: number };
const toState = (r: Raw): DestinationState => ({
  serverName: r.server_name,
  failures: Number(r.failures),
  retryAt: Number(r.retry_at),
  blacklisted: Number(r.blacklisted) === 1,
});

export async function selectDestination(q: Queryable, serverName: string): Promise<DestinationState | undefined> {
  const r = await q.get<Raw>('SELECT server_name, failures, retry_at, blacklisted FROM federationapi_destinations WHERE server_name = $1', [serverName]);
  return r ? toState(r) : undefined;
}

export async function selectBlacklisted(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ server_name: string }>('SELECT server_name FROM federationapi_destinations WHERE blacklisted = 1');
  return rows.map((r) => r.server_name);
}

/** Every destination with a row: failing now, or blacklisted. */
export async function selectTroubled(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ server_name: string }>('SELECT server_name FROM federationapi_destinations');
  return rows.map((r) => r.server_name);
}

export async function upsertDestination(q: Queryable, s: DestinationState): Promise<void> {
  await q.run(
    `INSERT INTO federationapi_destinations (server_name, failures, retry_at, blacklisted) VALUES ($1, $2, $3, $4)
     ON CONFLICT (server_name) DO UPDATE SET failures = excluded.failures, retry_at = excluded.retry_at, blacklisted = excluded.blacklisted`,
    [s.serverName, s.failures, s.retryAt, s.blacklisted ? 1 : 0],
  );
}

export async function deleteDestination(q: Queryable, serverName: string): Promise<void> {
  await q.run('DELETE FROM federationapi_destinations WHERE server_name = $1', [serverName]);
}
