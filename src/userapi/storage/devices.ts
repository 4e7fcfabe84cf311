// userapi_devices: a user's devices, each with its one current access token. Only the SHA-256 of
// the token is kept, so a copy of the database does not hand out sessions.
import type { Queryable } from '../../storage/types.ts';
import type { AccountKind } from '../api.ts';

export const DEVICES_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_devices (
  localpart TEXT NOT NULL,
  device_id TEXT NOT NULL,
  access_token_hash TEXT NOT NULL,
  display_name TEXT,
  created_ts BIGINT NOT NULL,
  last_seen_ts BIGINT,
  last_seen_ip TEXT,
  last_seen_user_agent TEXT,
  PRIMARY KEY (localpart, device_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS userapi_devices_token_idx ON userapi_devices (access_token_hash)`;

export interface DeviceRow {
  localpart: string;
  device_id: string;
  access_token_hash: string;
  display_name: string | null;
  created_ts: number;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
  last_seen_user_agent: string | null;
}

const COLUMNS = `localpart, device_id, access_token_hash, display_name, created_ts, last_seen_ts, last_seen_ip, last_seen_user_agent`;

export function insertDevice(q: Queryable, d: DeviceRow) {
  return q.run(`INSERT INTO userapi_devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    d.localpart,
    d.device_id,
    d.access_token_hash,
    d.display_name,
    d.created_ts,
    d.last_seen_ts,
    d.last_seen_ip,
    d.last_seen_user_agent,
  ]);
}

/** Gives an existing device a new token (and last-seen data); the old token stops working. */
export function replaceDeviceToken(
  q: Queryable,
  localpart: string,
  deviceId: string,
  tokenHash: string,
  seen: { ts: number; ip: string | null; userAgent: string | null },
) {
  return q.run(
    `UPDATE userapi_devices SET access_token_hash = $3, last_seen_ts = $4,
       last_seen_ip = COALESCE($5, last_seen_ip), last_seen_user_agent = COALESCE($6, last_seen_user_agent)
     WHERE localpart = $1 AND device_id = $2`,
    [localpart, deviceId, tokenHash, seen.ts, seen.ip, seen.userAgent],
  );
}

export function selectDevice(q: Queryable, localpart: string, deviceId: string): Promise<DeviceRow | undefined> {
  return q.get<DeviceRow>(`SELECT ${COLUMNS} FROM userapi_devices WHERE localpart = $1 AND device_id = $2`, [localpart, deviceId]);
}

export function selectDevices(q: Queryable, localpart: string): Promise<DeviceRow[]> {
  return q.all<DeviceRow>(`SELECT ${COLUMNS} FROM userapi_devices WHERE localpart = $1 ORDER BY created_ts, device_id`, [localpart]);
}

export interface TokenOwnerRow {
  localpart: string;
  device_id: string;
  kind: AccountKind;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
}

/** The device and account behind a token hash; deactivated accounts have no valid tokens. */
export function selectTokenOwner(q: Queryable, tokenHash: string): Promise<TokenOwnerRow | undefined> {
  return q.get<TokenOwnerRow>(
    `SELECT d.localpart, d.device_id, a.kind, d.last_seen_ts, d.last_seen_ip
     FROM userapi_devices d JOIN userapi_accounts a ON a.localpart = d.localpart
     WHERE d.access_token_hash = $1 AND a.is_deactivated = 0`,
    [tokenHash],
  );
}

export async function updateDisplayName(q: Queryable, localpart: string, deviceId: string, name: string | null): Promise<boolean> {
  const r = await q.run(`UPDATE userapi_devices SET display_name = $3 WHERE localpart = $1 AND device_id = $2`, [
    localpart,
    deviceId,
    name,
  ]);
  return r.changes === 1;
}

export function updateLastSeen(q: Queryable, tokenHash: string, ts: number, ip: string | null, userAgent: string | null) {
  return q.run(
    `UPDATE userapi_devices SET last_seen_ts = $2, last_seen_ip = COALESCE($3, last_seen_ip),
       last_seen_user_agent = COALESCE($4, last_seen_user_agent)
     WHERE access_token_hash = $1`,
    [tokenHash, ts, ip, userAgent],
  );
}

/** Deletes the devices and returns the token hashes they had (to drop from the cache). */
export function deleteDevice(q: Queryable, localpart: string, deviceId: string): Promise<{ device_id: string; access_token_hash: string }[]> {
  return q.all(`DELETE FROM userapi_devices WHERE localpart = $1 AND device_id = $2 RETURNING device_id, access_token_hash`, [
    localpart,
    deviceId,
  ]);
}

export function deleteAllDevices(
  q: Queryable,
  localpart: string,
  keepDeviceId: string | null,
): Promise<{ device_id: string; access_token_hash: string }[]> {
  return q.all(
    // Device IDs are never empty, so '' keeps nothing.
    `DELETE FROM userapi_devices WHERE localpart = $1 AND device_id <> $2 RETURNING device_id, access_token_hash`,
    [localpart, keepDeviceId ?? ''],
  );
}
