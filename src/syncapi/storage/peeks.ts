// syncapi_peeks: rooms a device is peeking into without joining (MSC2753, SyTest
// tests/31sync/17peeking.pl). `pos` is a PDU stream position taken when the peek began, so the
// next sync of that device knows the room is new to it.
import type { Queryable } from '../../storage/types.ts';

export const PEEKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_peeks (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  pos BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id, room_id)
)`;

export interface PeekRow {
  userId: string;
  deviceId: string;
  roomId: string;
  pos: number;
}

export async function upsertPeek(q: Queryable, p: PeekRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_peeks (user_id, device_id, room_id, pos) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, device_id, room_id) DO UPDATE SET pos = excluded.pos`,
    [p.userId, p.deviceId, p.roomId, p.pos],
  );
}

export async function deletePeek(q: Queryable, userId: string, deviceId: string, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_peeks WHERE user_id = $1 AND device_id = $2 AND room_id = $3`, [userId, deviceId, roomId]);
}

export async function selectAllPeeks(q: Queryable): Promise<PeekRow[]> {
  const rows = await q.all<{ user_id: string; device_id: string; room_id: string; pos: number }>(
    `SELECT user_id, device_id, room_id, pos FROM syncapi_peeks`,
  );
  return rows.map((r) => ({ userId: r.user_id, deviceId: r.device_id, roomId: r.room_id, pos: Number(r.pos) }));
}
