// syncapi_memberships: every change of a user's membership in a room, at its stream position.
// It answers "which rooms was the user in at position P" (sync sections), "what changed between
// two syncs" (newly joined, left, invited), and "what was the user's membership at an event"
// (Client-Server API, "History visibility").
import type { Queryable } from '../../storage/types.ts';

export const MEMBERSHIPS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_memberships (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  pos BIGINT NOT NULL,
  membership TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  PRIMARY KEY (room_id, user_id, pos)
);
CREATE INDEX IF NOT EXISTS syncapi_memberships_user ON syncapi_memberships (user_id, pos);
CREATE INDEX IF NOT EXISTS syncapi_memberships_pos ON syncapi_memberships (pos)`;

export interface MembershipRow {
  roomId: string;
  userId: string;
  pos: number;
  membership: string;
  nid: number;
  eventId: string;
  sender: string;
}

type Raw = { room_id: string; user_id: string; pos: number; membership: string; event_nid: number; event_id: string; sender: string };
const COLUMNS = 'room_id, user_id, pos, membership, event_nid, event_id, sender';
const toRow = (r: Raw): MembershipRow => ({
  roomId: r.room_id,
  userId: r.user_id,
  pos: Number(r.pos),
  membership: r.membership,
  nid: Number(r.event_nid),
  eventId: r.event_id,
  sender: r.sender,
});

export async function insertMembership(q: Queryable, m: MembershipRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_memberships (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (room_id, user_id, pos) DO UPDATE SET membership = excluded.membership,
       event_nid = excluded.event_nid, event_id = excluded.event_id, sender = excluded.sender`,
    [m.roomId, m.userId, m.pos, m.membership, m.nid, m.eventId, m.sender],
  );
}

/** The user's membership changes with lower < pos <= upper, oldest first. */
export async function selectUserChanges(q: Queryable, userId: string, lower: number, upper: number): Promise<MembershipRow[]> {
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_memberships WHERE user_id = $1 AND pos > $2 AND pos <= $3 ORDER BY pos ASC`,
    [userId, lower, upper],
  );
  return rows.map(toRow);
}

/** One user's whole membership history in one room, oldest first. */
export async function selectHistory(q: Queryable, roomId: string, userId: string): Promise<MembershipRow[]> {
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_memberships WHERE room_id = $1 AND user_id = $2 ORDER BY pos ASC`,
    [roomId, userId],
  );
  return rows.map(toRow);
}

/** Everyone's membership changes with lower < pos <= upper, oldest first (callers pick rooms). */
export async function selectAllChanges(q: Queryable, lower: number, upper: number): Promise<MembershipRow[]> {
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_memberships WHERE pos > $1 AND pos <= $2 ORDER BY pos ASC`,
    [lower, upper],
  );
  return rows.map(toRow);
}

export async function deleteRoomMemberships(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_memberships WHERE room_id = $1`, [roomId]);
}

/** The position of the latest membership change of anyone (the notifier's starting point). */
export async function selectLastChange(q: Queryable): Promise<number> {
  const row = await q.get<{ pos: number | null }>(`SELECT MAX(pos) AS pos FROM syncapi_memberships`);
  return Number(row?.pos ?? 0);
}
