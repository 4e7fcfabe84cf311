// keyserver_one_time_keys: unclaimed one-time keys. A claim deletes the row it returns
// (DELETE … RETURNING), so a key can be handed out once only, whatever runs concurrently; `id`
// keeps the upload order the spec asks claims to follow (POST /keys/claim).
import type { Queryable } from '../../storage/types.ts';

export const ONE_TIME_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_one_time_keys (
  id {{SERIAL_PK}},
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS keyserver_one_time_keys_key_idx ON keyserver_one_time_keys (user_id, device_id, algorithm, key_id);
CREATE INDEX IF NOT EXISTS keyserver_one_time_keys_order_idx ON keyserver_one_time_keys (user_id, device_id, algorithm, id)`;

export interface OneTimeKeyRow {
  algorithm: string;
  key_id: string;
  key_json: string;
}

/** The stored JSON of one key of a device, to tell a repeated upload from a conflicting one. */
export function selectOneTimeKey(q: Queryable, userId: string, deviceId: string, algorithm: string, keyId: string) {
  return q.get<{ key_json: string }>(
    `SELECT key_json FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2 AND algorithm = $3 AND key_id = $4`,
    [userId, deviceId, algorithm, keyId],
  );
}

export function insertOneTimeKey(q: Queryable, userId: string, deviceId: string, k: OneTimeKeyRow) {
  return q.run(
    `INSERT INTO keyserver_one_time_keys (user_id, device_id, algorithm, key_id, key_json) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [userId, deviceId, k.algorithm, k.key_id, k.key_json],
  );
}

export function countOneTimeKeys(q: Queryable, userId: string, deviceId: string): Promise<{ algorithm: string; n: number }[]> {
  return q.all(
    `SELECT algorithm, COUNT(*) AS n FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2 GROUP BY algorithm`,
    [userId, deviceId],
  );
}

/**
 * Takes the oldest key of one device and algorithm. On PostgreSQL two claims may pick the same
 * row; the second one's DELETE then finds it gone and deletes nothing, so the caller tries again
 * (claimOldest) until it wins a row or none is left.
 */
function deleteOldest(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  return q.get<{ key_id: string; key_json: string }>(
    `DELETE FROM keyserver_one_time_keys WHERE id = (
       SELECT MIN(id) FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2 AND algorithm = $3)
     RETURNING key_id, key_json`,
    [userId, deviceId, algorithm],
  );
}

function anyLeft(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  return q.get(`SELECT 1 AS x FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2 AND algorithm = $3 LIMIT 1`, [
    userId,
    deviceId,
    algorithm,
  ]);
}

export async function claimOldest(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  for (;;) {
    const row = await deleteOldest(q, userId, deviceId, algorithm);
    if (row) return row;
    if (!(await anyLeft(q, userId, deviceId, algorithm))) return undefined;
  }
}

export function deleteDeviceOneTimeKeys(q: Queryable, userId: string, deviceId: string) {
  return q.run(`DELETE FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
}
