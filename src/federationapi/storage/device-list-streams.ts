// federationapi_device_list_streams: what we last told other servers about each local user's
// devices (Server-Server API, "Device Management"): the stream_id of the user's last
// m.device_list_update, and a digest of each device announced (its keys and name), so that only
// devices that changed are sent again and one that disappeared is sent as `deleted`.
// /user/devices answers with the same stream_id.
import type { Queryable } from '../../storage/types.ts';

export const DEVICE_LIST_STREAMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_device_list_streams (
  user_id TEXT NOT NULL PRIMARY KEY,
  stream_id BIGINT NOT NULL,
  devices_json TEXT NOT NULL,
  signing_keys_hash TEXT NOT NULL
)`;

export interface DeviceListStream {
  userId: string;
  streamId: number;
  /** device ID -> digest of what was announced for it. */
  devices: Record<string, string>;
  /** Hash of the cross-signing keys last sent as m.signing_key_update ('' for none). */
  signingKeysHash: string;
}

export async function selectDeviceListStream(q: Queryable, userId: string): Promise<DeviceListStream | undefined> {
  const r = await q.get<{ user_id: string; stream_id: number; devices_json: string; signing_keys_hash: string }>(
    'SELECT user_id, stream_id, devices_json, signing_keys_hash FROM federationapi_device_list_streams WHERE user_id = $1',
    [userId],
  );
  if (!r) return undefined;
  return { userId: r.user_id, streamId: Number(r.stream_id), devices: JSON.parse(r.devices_json) as Record<string, string>, signingKeysHash: r.signing_keys_hash };
}

export async function upsertDeviceListStream(q: Queryable, s: DeviceListStream): Promise<void> {
  await q.run(
    `INSERT INTO federationapi_device_list_streams (user_id, stream_id, devices_json, signing_keys_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET stream_id = excluded.stream_id, devices_json = excluded.devices_json,
       signing_keys_hash = excluded.signing_keys_hash`,
    [s.userId, s.streamId, JSON.stringify(s.devices), s.signingKeysHash],
  );
}
