// keyserver_fallback_keys: at most one fallback key per device and algorithm (POST /keys/upload,
// `fallback_keys`). A claim returns it without deleting it and marks it used, which sync reports
// through device_unused_fallback_key_types until the device uploads a new one.
import type { Queryable } from '../../storage/types.ts';

export const FALLBACK_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_fallback_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  used SMALLINT NOT NULL,
  PRIMARY KEY (user_id, device_id, algorithm)
)`;

export interface FallbackKeyRow {
  algorithm: string;
  key_id: string;
  key_json: string;
  used: number;
}

export function selectFallbackKey(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  return q.get<FallbackKeyRow>(
    `SELECT algorithm, key_id, key_json, used FROM keyserver_fallback_keys WHERE user_id = $1 AND device_id = $2 AND algorithm = $3`,
    [userId, deviceId, algorithm],
  );
}

/** Replaces the device's fallback key of the algorithm; the new key starts unused. */
export function upsertFallbackKey(q: Queryable, userId: string, deviceId: string, k: Omit<FallbackKeyRow, 'used'>) {
  return q.run(
    `INSERT INTO keyserver_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) VALUES ($1, $2, $3, $4, $5, 0)
     ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id, key_json = excluded.key_json, used = 0`,
    [userId, deviceId, k.algorithm, k.key_id, k.key_json],
  );
}

/** Marks the key used and returns it. */
export function claimFallbackKey(q: Queryable, userId: string, deviceId: string, algorithm: string) {
  return q.get<{ key_id: string; key_json: string }>(
    `UPDATE keyserver_fallback_keys SET used = 1 WHERE user_id = $1 AND device_id = $2 AND algorithm = $3 RETURNING key_id, key_json`,
    [userId, deviceId, algorithm],
  );
}

export function selectUnusedAlgorithms(q: Queryable, userId: string, deviceId: string): Promise<{ algorithm: string }[]> {
  return q.all(`SELECT algorithm FROM keyserver_fallback_keys WHERE user_id = $1 AND device_id = $2 AND used = 0 ORDER BY algorithm`, [
    userId,
    deviceId,
  ]);
}

export function deleteDeviceFallbackKeys(q: Queryable, userId: string, deviceId: string) {
  return q.run(`DELETE FROM keyserver_fallback_keys WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
}
