// syncapi_current_room_state: each room's current state as (type, state_key) -> event NID, kept
// from the adds/removes of OutputRoomEvent. For m.room.member rows `membership` is copied out so
// that joined rooms, member counts, heroes and co-members are plain indexed queries.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const CURRENT_ROOM_STATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_current_room_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  membership TEXT,
  pos BIGINT NOT NULL,
  PRIMARY KEY (room_id, type, state_key)
);
CREATE INDEX IF NOT EXISTS syncapi_current_room_state_member ON syncapi_current_room_state (state_key, type, membership);
CREATE INDEX IF NOT EXISTS syncapi_current_room_state_nid ON syncapi_current_room_state (event_nid)`;

export interface StateRow {
  roomId: string;
  type: string;
  stateKey: string;
  nid: number;
  eventId: string;
  membership: string | null;
  pos: number;
}

type Raw = { room_id: string; type: string; state_key: string; event_nid: number; event_id: string; membership: string | null; pos: number };
const COLUMNS = 'room_id, type, state_key, event_nid, event_id, membership, pos';
const toRow = (r: Raw): StateRow => ({
  roomId: r.room_id,
  type: r.type,
  stateKey: r.state_key,
  nid: Number(r.event_nid),
  eventId: r.event_id,
  membership: r.membership,
  pos: Number(r.pos),
});

export async function upsertState(q: Queryable, s: StateRow): Promise<void> {
  await q.run(
    `INSERT INTO syncapi_current_room_state (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_nid = excluded.event_nid,
       event_id = excluded.event_id, membership = excluded.membership, pos = excluded.pos`,
    [s.roomId, s.type, s.stateKey, s.nid, s.eventId, s.membership, s.pos],
  );
}

export async function deleteState(q: Queryable, roomId: string, type: string, stateKey: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_current_room_state WHERE room_id = $1 AND type = $2 AND state_key = $3`, [roomId, type, stateKey]);
}

export async function selectStateByEventIds(q: Queryable, roomId: string, eventIds: string[]): Promise<StateRow[]> {
  if (eventIds.length === 0) return [];
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_current_room_state WHERE room_id = $1 AND event_id IN (${inList(2, eventIds.length)})`,
    [roomId, ...eventIds],
  );
  return rows.map(toRow);
}

/** A room's current state: only some (non-wildcard) types, or all but one type, or all. */
export async function selectState(q: Queryable, roomId: string, types?: string[], exceptType?: string): Promise<StateRow[]> {
  if (types && types.length === 0) return [];
  const rows = types
    ? await q.all<Raw>(
        `SELECT ${COLUMNS} FROM syncapi_current_room_state WHERE room_id = $1 AND type IN (${inList(2, types.length)})`,
        [roomId, ...types],
      )
    : exceptType !== undefined
      ? await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_current_room_state WHERE room_id = $1 AND type <> $2`, [roomId, exceptType])
      : await q.all<Raw>(`SELECT ${COLUMNS} FROM syncapi_current_room_state WHERE room_id = $1`, [roomId]);
  return rows.map(toRow);
}

/** Current state of one type for some state keys (member events of given users). */
export async function selectStateKeys(q: Queryable, roomId: string, type: string, stateKeys: string[]): Promise<StateRow[]> {
  if (stateKeys.length === 0) return [];
  const rows = await q.all<Raw>(
    `SELECT ${COLUMNS} FROM syncapi_current_room_state WHERE room_id = $1 AND type = $2 AND state_key IN (${inList(3, stateKeys.length)})`,
    [roomId, type, ...stateKeys],
  );
  return rows.map(toRow);
}

/** Rooms where the user's current membership is one of `memberships`. */
export async function selectRoomsForUser(q: Queryable, userId: string, memberships: string[]): Promise<{ roomId: string; membership: string }[]> {
  const rows = await q.all<{ room_id: string; membership: string }>(
    `SELECT room_id, membership FROM syncapi_current_room_state
     WHERE state_key = $1 AND type = 'm.room.member' AND membership IN (${inList(2, memberships.length)})`,
    [userId, ...memberships],
  );
  return rows.map((r) => ({ roomId: r.room_id, membership: r.membership }));
}

/** Users with a membership in `memberships` in the room. */
export async function selectMembers(q: Queryable, roomId: string, memberships: string[]): Promise<string[]> {
  const rows = await q.all<{ state_key: string }>(
    `SELECT state_key FROM syncapi_current_room_state
     WHERE room_id = $1 AND type = 'm.room.member' AND membership IN (${inList(2, memberships.length)})`,
    [roomId, ...memberships],
  );
  return rows.map((r) => r.state_key);
}

export async function selectMemberCounts(q: Queryable, roomId: string): Promise<{ joined: number; invited: number }> {
  const rows = await q.all<{ membership: string; n: number }>(
    `SELECT membership, COUNT(*) AS n FROM syncapi_current_room_state
     WHERE room_id = $1 AND type = 'm.room.member' AND membership IN ('join', 'invite') GROUP BY membership`,
    [roomId],
  );
  const n = (m: string) => Number(rows.find((r) => r.membership === m)?.n ?? 0);
  return { joined: n('join'), invited: n('invite') };
}

/** Up to `limit` members other than `userId` with one of `memberships`, by user ID. */
export async function selectHeroes(q: Queryable, roomId: string, userId: string, memberships: string[], limit: number): Promise<string[]> {
  const rows = await q.all<{ state_key: string }>(
    `SELECT state_key FROM syncapi_current_room_state
     WHERE room_id = $1 AND type = 'm.room.member' AND state_key <> $2 AND membership IN (${inList(4, memberships.length)})
     ORDER BY state_key LIMIT $3`,
    [roomId, userId, limit, ...memberships],
  );
  return rows.map((r) => r.state_key);
}

/** Users joined to at least one room the user is joined to (presence audience). */
export async function selectCoMembers(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.all<{ state_key: string }>(
    `SELECT DISTINCT b.state_key FROM syncapi_current_room_state a
     JOIN syncapi_current_room_state b ON b.room_id = a.room_id AND b.type = 'm.room.member' AND b.membership = 'join'
     WHERE a.state_key = $1 AND a.type = 'm.room.member' AND a.membership = 'join'`,
    [userId],
  );
  return rows.map((r) => r.state_key);
}

/** Every (room, user) membership of users whose ID ends with `suffix` (`:server`), for the notifier. */
export async function selectLocalMemberships(q: Queryable, suffix: string, memberships: string[]): Promise<{ roomId: string; userId: string }[]> {
  const rows = await q.all<{ room_id: string; state_key: string }>(
    `SELECT room_id, state_key FROM syncapi_current_room_state
     WHERE type = 'm.room.member' AND membership IN (${inList(2, memberships.length)}) AND state_key LIKE $1`,
    ['%' + suffix, ...memberships],
  );
  return rows.map((r) => ({ roomId: r.room_id, userId: r.state_key }));
}

/** Which of `nids` are part of the room's current state. */
export async function selectCurrentNids(q: Queryable, roomId: string, nids: number[]): Promise<Set<number>> {
  if (nids.length === 0) return new Set();
  const rows = await q.all<{ event_nid: number }>(
    `SELECT event_nid FROM syncapi_current_room_state WHERE room_id = $1 AND event_nid IN (${inList(2, nids.length)})`,
    [roomId, ...nids],
  );
  return new Set(rows.map((r) => Number(r.event_nid)));
}

export async function deleteRoomState(q: Queryable, roomId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_current_room_state WHERE room_id = $1`, [roomId]);
}
