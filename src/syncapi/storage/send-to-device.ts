// syncapi_send_to_device: each device's inbox (Client-Server API, "Send-to-Device messaging").
// Messages are kept until the device syncs with a `since` at or past their position, which
// proves it received them; only then are they deleted.
import type { Queryable } from '../../storage/types.ts';

export const SEND_TO_DEVICE_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_send_to_device (
  pos BIGINT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS syncapi_send_to_device_device ON syncapi_send_to_device (user_id, device_id, pos)`;

export interface ToDeviceRow {
  pos: number;
  userId: string;
  deviceId: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

type Raw = { pos: number; user_id: string; device_id: string; sender: string; type: string; content: string };

export async function insertToDevice(q: Queryable, m: ToDeviceRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_send_to_device (pos, user_id, device_id, sender, type, content) VALUES ($1, $2, $3, $4, $5, $6)`,
    [m.pos, m.userId, m.deviceId, m.sender, m.type, JSON.stringify(m.content)],
  );
}

/** Up to `limit` messages for the device with lower < pos <= upper, oldest first. */
export async function selectToDevice(
  q: Queryable,
  userId: string,
  deviceId: string,
  lower: number,
  upper: number,
  limit: number,
): Promise<ToDeviceRow[]> {
  const rows = await q.all<Raw>(
    `SELECT pos, user_id, device_id, sender, type, content FROM syncapi_send_to_device
     WHERE user_id = $1 AND device_id = $2 AND pos > $3 AND pos <= $4 ORDER BY pos ASC LIMIT $5`,
    [userId, deviceId, lower, upper, limit],
  );
  return rows.map((r) => ({
    pos: Number(r.pos),
    userId: r.user_id,
    deviceId: r.device_id,
    sender: r.sender,
    type: r.type,
    content: JSON.parse(r.content),
  }));
}

/** Deletes what the device has acknowledged (pos <= upTo). */
export async function deleteToDeviceUpTo(q: Queryable, userId: string, deviceId: string, upTo: number): Promise<number> {
  const r = await q.run(`DELETE FROM syncapi_send_to_device WHERE user_id = $1 AND device_id = $2 AND pos <= $3`, [userId, deviceId, upTo]);
  return r.changes;
}
