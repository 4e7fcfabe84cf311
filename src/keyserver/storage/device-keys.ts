// keyserver_device_keys: the identity keys each local device published with /keys/upload, as the
// JSON it uploaded (its own signature included). Signatures added later by cross-signing live in
// keyserver_cross_signing_sigs and are merged in when the keys are read. The device's display
// name is copied from the user API (at upload, and whenever the client API reports a change), so
// that /keys/query for a room of hundreds of users reads this table alone.
import type { Queryable } from '../../storage/types.ts';
import { inBatches } from './in-batches.ts';

export const DEVICE_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_device_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  ed25519_key TEXT NOT NULL,
  key_json TEXT NOT NULL,
  display_name TEXT,
  updated_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id)
)`;

export interface DeviceKeysRow {
  user_id: string;
  device_id: string;
  ed25519_key: string;
  key_json: string;
  display_name: string | null;
}

const COLUMNS = 'user_id, device_id, ed25519_key, key_json, display_name';

export function upsertDeviceKeys(q: Queryable, r: DeviceKeysRow, ts: number) {
  return q.run(
    `INSERT INTO keyserver_device_keys (${COLUMNS}, updated_ts) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, device_id) DO UPDATE SET ed25519_key = excluded.ed25519_key, key_json = excluded.key_json,
       display_name = excluded.display_name, updated_ts = excluded.updated_ts`,
    [r.user_id, r.device_id, r.ed25519_key, r.key_json, r.display_name, ts],
  );
}

export function updateDisplayName(q: Queryable, userId: string, deviceId: string, name: string | null) {
  return q.run(`UPDATE keyserver_device_keys SET display_name = $3 WHERE user_id = $1 AND device_id = $2`, [userId, deviceId, name]);
}

export function selectDeviceKeys(q: Queryable, userId: string, deviceId: string): Promise<DeviceKeysRow | undefined> {
  return q.get<DeviceKeysRow>(
    `SELECT ${COLUMNS} FROM keyserver_device_keys WHERE user_id = $1 AND device_id = $2`,
    [userId, deviceId],
  );
}

/** Every device's keys of the given users. */
export function selectDeviceKeysOfUsers(q: Queryable, userIds: readonly string[]): Promise<DeviceKeysRow[]> {
  return inBatches(userIds, (list, params) =>
    q.all<DeviceKeysRow>(`SELECT ${COLUMNS} FROM keyserver_device_keys WHERE user_id IN (${list})`, params),
  );
}

export function selectDeviceIdsWithKeys(q: Queryable, userId: string): Promise<{ device_id: string; display_name: string | null }[]> {
  return q.all(`SELECT device_id, display_name FROM keyserver_device_keys WHERE user_id = $1`, [userId]);
}

export function deleteDeviceKeys(q: Queryable, userId: string, deviceId: string) {
  return q.run(`DELETE FROM keyserver_device_keys WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
}
