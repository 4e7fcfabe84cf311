// keyserver_one_time_keys: unclaimed one-time keys. A claim deletes the row it returns
// (DELETE … RETURNING), so a key can be handed out once only, whatever runs concurrently; `id`
// keeps the upload order the spec asks claims to follow (POST /keys/claim).
import type { Queryable, SqlValue } from '../../storage/types.ts';

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

/** A device's unclaimed keys (clients keep a few dozen), to tell a repeated upload from a conflicting one. */
export function selectDeviceOneTimeKeys(q: Queryable, userId: string, deviceId: string): Promise<OneTimeKeyRow[]> {
  return q.all<OneTimeKeyRow>(`SELECT algorithm, key_id, key_json FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2`, [
    userId,
    deviceId,
  ]);
}

const INSERT_CHUNK = 32;

/** Inserts keys in upload order (one statement per 32 keys). */
export async function insertOneTimeKeys(q: Queryable, userId: string, deviceId: string, keys: readonly OneTimeKeyRow[]) {
  for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
    const chunk = keys.slice(i, i + INSERT_CHUNK);
    const params: SqlValue[] = [userId, deviceId];
    const rows = chunk.map((k) => `($1, $2, $${params.push(k.algorithm)}, $${params.push(k.key_id)}, $${params.push(k.key_json)})`);
    await q.run(
      `INSERT INTO keyserver_one_time_keys (user_id, device_id, algorithm, key_id, key_json) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
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

/** Takes the oldest key of one device and algorithm, trying again while concurrent claims win the race. */
export async function claimOldest(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  for (;;) {
    const row = await deleteOldest(q, userId, deviceId, algorithm);
    if (row) return row;
    if (!(await anyLeft(q, userId, deviceId, algorithm))) return undefined;
  }
}

export type Wanted = readonly [userId: string, deviceId: string, algorithm: string];

export interface ClaimedRow {
  user_id: string;
  device_id: string;
  algorithm: string;
  key_id: string;
  key_json: string;
}

/**
 * Takes the oldest key of each (user, device, algorithm) in one statement. Rows are locked in
 * id order before they are deleted ({{FOR_UPDATE}} after ORDER BY), so concurrent batch claims
 * always wait for each other in the same order and never deadlock; a key another claim took
 * meanwhile is skipped, and the caller takes that device's next key with claimOldest.
 */
export function claimOldestBatch(q: Queryable, wanted: readonly Wanted[]): Promise<ClaimedRow[]> {
  const params: SqlValue[] = [];
  const match = wanted
    .map(([u, d, a]) => `(user_id = $${params.push(u)} AND device_id = $${params.push(d)} AND algorithm = $${params.push(a)})`)
    .join(' OR ');
  return q.all<ClaimedRow>(
    `WITH oldest AS (
       SELECT MIN(id) AS id FROM keyserver_one_time_keys WHERE ${match} GROUP BY user_id, device_id, algorithm),
     locked AS (
       SELECT id FROM keyserver_one_time_keys WHERE id IN (SELECT id FROM oldest) ORDER BY id {{FOR_UPDATE}})
     DELETE FROM keyserver_one_time_keys WHERE id IN (SELECT id FROM locked)
     RETURNING user_id, device_id, algorithm, key_id, key_json`,
    params,
  );
}

export function deleteDeviceOneTimeKeys(q: Queryable, userId: string, deviceId: string) {
  return q.run(`DELETE FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
}
