// roomserver_memberships: each user's membership in each room, as the room's current state says,
// plus whether the user forgot the room (Client-Server API, "Leaving rooms": forget). Rewritten
// from the current-state deltas in the same transaction as the events that cause them.
import type { Queryable } from '../../storage/types.ts';

export const MEMBERSHIPS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_memberships (
  room_nid BIGINT NOT NULL,
  -- The user's ID as a state key NID (roomserver_event_state_keys).
  target_nid BIGINT NOT NULL,
  membership TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  forgotten SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY (room_nid, target_nid)
);
CREATE INDEX IF NOT EXISTS roomserver_memberships_target_idx ON roomserver_memberships (target_nid)`;

/** A new join or invite un-forgets the room: forgetting applies to what came before. */
export function upsertMembership(q: Queryable, roomNid: number, targetNid: number, membership: string, eventNid: number) {
  return q.run(
    `INSERT INTO roomserver_memberships (room_nid, target_nid, membership, event_nid, forgotten) VALUES ($1, $2, $3, $4, 0)
     ON CONFLICT (room_nid, target_nid) DO UPDATE SET membership = excluded.membership, event_nid = excluded.event_nid,
       forgotten = CASE WHEN excluded.membership IN ('join', 'invite') THEN 0 ELSE roomserver_memberships.forgotten END`,
    [roomNid, targetNid, membership, eventNid],
  );
}

export function selectMembership(q: Queryable, roomNid: number, targetNid: number) {
  return q.get<{ membership: string; event_nid: number; forgotten: number }>(
    'SELECT membership, event_nid, forgotten FROM roomserver_memberships WHERE room_nid = $1 AND target_nid = $2',
    [roomNid, targetNid],
  );
}

/** `params` is [targetNid, ...memberships]; `placeholders` lists the memberships from $2. */
export function selectRoomsForUser(q: Queryable, placeholders: string, params: readonly (string | number)[]) {
  return q.all<{ room_id: string; membership: string; event_id: string }>(
    `SELECT r.room_id, m.membership, e.event_id FROM roomserver_memberships m
       JOIN roomserver_rooms r ON r.room_nid = m.room_nid
       JOIN roomserver_events e ON e.event_nid = m.event_nid
     WHERE m.target_nid = $1 AND m.membership IN (${placeholders}) ORDER BY m.room_nid`,
    params,
  );
}

export function selectMembersWith(q: Queryable, roomNid: number, membership: string) {
  return q.all<{ user_id: string }>(
    `SELECT k.event_state_key AS user_id FROM roomserver_memberships m
       JOIN roomserver_event_state_keys k ON k.event_state_key_nid = m.target_nid
     WHERE m.room_nid = $1 AND m.membership = $2 ORDER BY k.event_state_key`,
    [roomNid, membership],
  );
}

/** Joined member counts of the given rooms (the room directory). */
export function selectJoinedCounts(q: Queryable, placeholders: string, roomNids: readonly number[]) {
  return q.all<{ room_nid: number; n: number }>(
    `SELECT room_nid, COUNT(*) AS n FROM roomserver_memberships WHERE membership = 'join' AND room_nid IN (${placeholders})
     GROUP BY room_nid`,
    roomNids,
  );
}

export function updateForgotten(q: Queryable, roomNid: number, targetNid: number) {
  return q.run('UPDATE roomserver_memberships SET forgotten = 1 WHERE room_nid = $1 AND target_nid = $2', [roomNid, targetNid]);
}
