// syncapi_invites: the invite stream. A row is written when a local user is invited, and a
// "retired" row when that invitation ends (joined, rejected, rescinded), each at its own position
// of the invite stream, so /sync can tell "new invite" from "no longer invited" in any window.
import type { Queryable } from '../../storage/types.ts';

export const INVITES_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_invites (
  pos BIGINT NOT NULL PRIMARY KEY,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  retired SMALLINT NOT NULL
);
CREATE INDEX IF NOT EXISTS syncapi_invites_user ON syncapi_invites (user_id, pos)`;

export interface InviteRow {
  pos: number;
  roomId: string;
  userId: string;
  /** The invite event (for a retired row, the event that ended it). */
  nid: number;
  eventId: string;
  sender: string;
  retired: boolean;
}

type Raw = { pos: number; room_id: string; user_id: string; event_nid: number; event_id: string; sender: string; retired: number };
const COLUMNS = 'pos, room_id, user_id, event_nid, event_id, sender, retired';
const toRow = (r: Raw): InviteRow => ({
  pos: Number(r.pos),
  roomId: r.room_id,
  userId: r.user_id,
  nid: Number(r.event_nid),
  eventId: r.event_id,
  sender: r.sender,
  retired: Number(r.retired) === 1,
});

export async function insertInvite(q: Queryable, i: InviteRow): Promise<void> {
  await q.run(`INSERT INTO syncapi_invites (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    i.pos,
    i.roomId,
    i.userId,
    i.nid,
    i.eventId,
    i.sender,
    i.retired ? 1 : 0,
  ]);
}

/** For each room, the user's latest invite row with lower < pos <= upper. */
export async function selectLatestInvites(q: Queryable, userId: string, lower: number, upper: number): Promise<InviteRow[]> {
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_invites i
     WHERE user_id = $1 AND pos = (SELECT MAX(pos) FROM syncapi_invites x
                                   WHERE x.user_id = $1 AND x.room_id = i.room_id AND x.pos > $2 AND x.pos <= $3)`,
    [userId, lower, upper],
  );
  return rows.map(toRow);
}

export async function deleteRoomInvites(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_invites WHERE room_id = $1`, [roomId]);
}
