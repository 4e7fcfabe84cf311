// keyserver_remote_device_lists and keyserver_remote_devices: our copy of other servers' users'
// device lists (Server-Server API, "Device Management"), kept from their m.device_list_update and
// m.signing_key_update EDUs and GET /user/devices resyncs. A list row holds the stream_id we are
// up to (an update whose prev_id we have not seen means we missed one: resync) and the user's
// master and self-signing keys; a device row holds the device's keys and display name as sent.
import type { Queryable } from '../../storage/types.ts';
import { inBatches } from './in-batches.ts';

export const REMOTE_DEVICES_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_remote_device_lists (
  user_id TEXT NOT NULL PRIMARY KEY,
  stream_id BIGINT NOT NULL,
  master_key TEXT,
  self_signing_key TEXT,
  updated_ts BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS keyserver_remote_devices (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_json TEXT,
  display_name TEXT,
  PRIMARY KEY (user_id, device_id)
)`;

export interface RemoteListRow {
  user_id: string;
  stream_id: number;
  master_key: string | null;
  self_signing_key: string | null;
}

export interface RemoteDeviceRow {
  user_id: string;
  device_id: string;
  key_json: string | null;
  display_name: string | null;
}

export async function selectRemoteList(q: Queryable, userId: string): Promise<RemoteListRow | undefined> {
  const row = await q.get<RemoteListRow>(
    `SELECT user_id, stream_id, master_key, self_signing_key FROM keyserver_remote_device_lists WHERE user_id = $1`,
    [userId],
  );
  return row ? { ...row, stream_id: Number(row.stream_id) } : undefined;
}

export function selectRemoteListsOfUsers(q: Queryable, userIds: readonly string[]): Promise<RemoteListRow[]> {
  return inBatches(userIds, (list, params) =>
    q.all<RemoteListRow>(`SELECT user_id, stream_id, master_key, self_signing_key FROM keyserver_remote_device_lists WHERE user_id IN (${list})`, params),
  );
}

/** Inserts or moves the list's stream_id; cross-signing keys are left alone when not given. */
export function upsertRemoteList(q: Queryable, userId: string, streamId: number, ts: number) {
  return q.run(
    `INSERT INTO keyserver_remote_device_lists (user_id, stream_id, updated_ts) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET stream_id = excluded.stream_id, updated_ts = excluded.updated_ts`,
    [userId, streamId, ts],
  );
}

/** Sets the user's master and self-signing keys (null leaves one unchanged); the list row must exist. */
export function updateRemoteCrossSigning(q: Queryable, userId: string, master: string | null, selfSigning: string | null) {
  return q.run(
    `UPDATE keyserver_remote_device_lists SET master_key = COALESCE($2, master_key), self_signing_key = COALESCE($3, self_signing_key)
     WHERE user_id = $1`,
    [userId, master, selfSigning],
  );
}

export function upsertRemoteDevice(q: Queryable, r: RemoteDeviceRow) {
  return q.run(
    `INSERT INTO keyserver_remote_devices (user_id, device_id, key_json, display_name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json, display_name = excluded.display_name`,
    [r.user_id, r.device_id, r.key_json, r.display_name],
  );
}

export function deleteRemoteDevice(q: Queryable, userId: string, deviceId: string) {
  return q.run(`DELETE FROM keyserver_remote_devices WHERE user_id = $1 AND device_id = $2`, [userId, deviceId]);
}

export function deleteRemoteDevices(q: Queryable, userId: string) {
  return q.run(`DELETE FROM keyserver_remote_devices WHERE user_id = $1`, [userId]);
}

export function selectRemoteDevicesOfUsers(q: Queryable, userIds: readonly string[]): Promise<RemoteDeviceRow[]> {
  return inBatches(userIds, (list, params) =>
    q.all<RemoteDeviceRow>(`SELECT user_id, device_id, key_json, display_name FROM keyserver_remote_devices WHERE user_id IN (${list})`, params),
  );
}
