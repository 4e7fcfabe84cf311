// userapi_pushers: each user's pushers (Client-Server API, "POST /pushers/set"), one per
// (user, app_id, pushkey). device_id is the device whose access token created it: deleting the
// device (logout, password change with logout_devices) deletes its pushers, as Synapse does.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const PUSHERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_pushers (
  localpart TEXT NOT NULL,
  app_id TEXT NOT NULL,
  pushkey TEXT NOT NULL,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  device_display_name TEXT NOT NULL,
  profile_tag TEXT,
  lang TEXT NOT NULL,
  data TEXT NOT NULL,
  pushkey_ts BIGINT NOT NULL,
  PRIMARY KEY (localpart, app_id, pushkey)
);
CREATE INDEX IF NOT EXISTS userapi_pushers_app_pushkey ON userapi_pushers (app_id, pushkey)`;

export interface PusherRow {
  localpart: string;
  app_id: string;
  pushkey: string;
  device_id: string;
  kind: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag: string | null;
  lang: string;
  /** JSON object text. */
  data: string;
  /** Seconds since the epoch (push gateway API, "pushkey_ts"). */
  pushkey_ts: number;
}

const COLUMNS = 'localpart, app_id, pushkey, device_id, kind, app_display_name, device_display_name, profile_tag, lang, data, pushkey_ts';

export async function selectPushers(q: Queryable, localpart: string): Promise<PusherRow[]> {
  const rows = await q.all<PusherRow>(`SELECT ${COLUMNS} FROM userapi_pushers WHERE localpart = $1 ORDER BY app_id, pushkey`, [localpart]);
  return rows.map((r) => ({ ...r, pushkey_ts: Number(r.pushkey_ts) }));
}

/** The pushers of several users, for an event that notified them all. */
export async function selectPushersOf(q: Queryable, localparts: readonly string[]): Promise<PusherRow[]> {
  const out: PusherRow[] = [];
  for (let i = 0; i < localparts.length; i += 100) {
    const batch = localparts.slice(i, i + 100);
    const rows = await q.all<PusherRow>(`SELECT ${COLUMNS} FROM userapi_pushers WHERE localpart IN (${inList(1, batch.length)})`, batch);
    for (const r of rows) out.push({ ...r, pushkey_ts: Number(r.pushkey_ts) });
  }
  return out;
}

export function upsertPusher(q: Queryable, p: PusherRow) {
  return q.run(
    `INSERT INTO userapi_pushers (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (localpart, app_id, pushkey) DO UPDATE SET device_id = excluded.device_id, kind = excluded.kind,
       app_display_name = excluded.app_display_name, device_display_name = excluded.device_display_name,
       profile_tag = excluded.profile_tag, lang = excluded.lang, data = excluded.data, pushkey_ts = excluded.pushkey_ts`,
    [p.localpart, p.app_id, p.pushkey, p.device_id, p.kind, p.app_display_name, p.device_display_name, p.profile_tag, p.lang, p.data, p.pushkey_ts],
  );
}

export function deletePusher(q: Queryable, localpart: string, appId: string, pushkey: string) {
  return q.run(`DELETE FROM userapi_pushers WHERE localpart = $1 AND app_id = $2 AND pushkey = $3`, [localpart, appId, pushkey]);
}

/** Other users' pushers with this app ID and pushkey (`append: false`). */
export function deleteOthersPushers(q: Queryable, localpart: string, appId: string, pushkey: string) {
  return q.run(`DELETE FROM userapi_pushers WHERE app_id = $1 AND pushkey = $2 AND localpart <> $3`, [appId, pushkey, localpart]);
}

export async function deletePushersOfDevices(q: Queryable, localpart: string, deviceIds: readonly string[]): Promise<void> {
  for (let i = 0; i < deviceIds.length; i += 100) {
    const batch = deviceIds.slice(i, i + 100);
    await q.run(`DELETE FROM userapi_pushers WHERE localpart = $1 AND device_id IN (${inList(2, batch.length)})`, [localpart, ...batch]);
  }
}

export function deleteAllPushers(q: Queryable, localpart: string) {
  return q.run(`DELETE FROM userapi_pushers WHERE localpart = $1`, [localpart]);
}
