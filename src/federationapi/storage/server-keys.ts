// federationapi_server_keys: other servers' signing keys (Server-Server API, "Retrieving server
// keys"), one row per (server, key ID), with the whole signed response the key came in. The
// response is kept as the origin signed it, so that as a notary we can hand it on with our
// signature added (`/_matrix/key/v2/query`), even after the origin has dropped the key or gone
// offline. A newer response replaces a row only if it is valid at least as long: a spurious
// answer from the origin cannot make us forget a key we had (SyTest, 01keys.pl).
import type { Queryable } from '../../storage/types.ts';

export const SERVER_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_server_keys (
  server_name TEXT NOT NULL,
  key_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  expired_ts BIGINT,
  fetched_ts BIGINT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (server_name, key_id)
)`;

export interface ServerKeyRow {
  serverName: string;
  keyId: string;
  /** Unpadded base64. */
  publicKey: string;
  /** The response's valid_until_ts (for an old key too: the response it came in). */
  validUntilTs: number;
  /** Set for keys listed under old_verify_keys: when the origin stopped using them. */
  expiredTs: number | null;
  fetchedTs: number;
  /** The origin's signed response, as received. */
  keyJson: string;
}

type Raw = {
  server_name: string;
  key_id: string;
  public_key: string;
  valid_until_ts: number;
  expired_ts: number | null;
  fetched_ts: number;
  key_json: string;
};

const toRow = (r: Raw): ServerKeyRow => ({
  serverName: r.server_name,
  keyId: r.key_id,
  publicKey: r.public_key,
  validUntilTs: Number(r.valid_until_ts),
  expiredTs: r.expired_ts === null ? null : Number(r.expired_ts),
  fetchedTs: Number(r.fetched_ts),
  keyJson: r.key_json,
});

const COLUMNS = 'server_name, key_id, public_key, valid_until_ts, expired_ts, fetched_ts, key_json';

export async function upsertServerKeys(q: Queryable, rows: readonly ServerKeyRow[]): Promise<void> {
  for (const r of rows) {
    await q.run(
      `INSERT INTO federationapi_server_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (server_name, key_id) DO UPDATE SET public_key = excluded.public_key,
         valid_until_ts = excluded.valid_until_ts, expired_ts = excluded.expired_ts,
         fetched_ts = excluded.fetched_ts, key_json = excluded.key_json
       WHERE excluded.valid_until_ts >= federationapi_server_keys.valid_until_ts
          OR (excluded.expired_ts IS NOT NULL AND federationapi_server_keys.expired_ts IS NULL)`,
      [r.serverName, r.keyId, r.publicKey, r.validUntilTs, r.expiredTs, r.fetchedTs, r.keyJson],
    );
  }
}

export async function selectServerKeys(q: Queryable, serverName: string): Promise<ServerKeyRow[]> {
  const rows = await q.all<Raw>(`SELECT ${COLUMNS} FROM federationapi_server_keys WHERE server_name = $1`, [serverName]);
  return rows.map(toRow);
}
