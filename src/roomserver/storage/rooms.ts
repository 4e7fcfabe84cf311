// roomserver_rooms: one row per room this server knows. The room server keeps each room's row in
// memory too (../rooms.ts) and writes it back in the same transaction as the events that change it.
import type { Queryable } from '../../storage/types.ts';

export const ROOMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_rooms (
  room_nid {{INT64_PK}},
  room_id TEXT NOT NULL UNIQUE,
  room_version TEXT NOT NULL,
  -- Current state: the resolved state after all forward extremities. 0 = no state yet.
  state_snapshot_nid BIGINT NOT NULL DEFAULT 0,
  -- Forward extremities ("latest events"), as comma-separated event NIDs.
  latest_event_nids TEXT NOT NULL DEFAULT '',
  -- The newest event of this room known to be on the OutputRoomEvent stream.
  last_event_sent_nid BIGINT NOT NULL DEFAULT 0
)`;

export interface RoomRow {
  room_nid: number;
  room_id: string;
  room_version: string;
  state_snapshot_nid: number;
  latest_event_nids: string;
  last_event_sent_nid: number;
}

const COLUMNS = 'room_nid, room_id, room_version, state_snapshot_nid, latest_event_nids, last_event_sent_nid';

export function selectRoomById(q: Queryable, roomId: string) {
  return q.get<RoomRow>(`SELECT ${COLUMNS} FROM roomserver_rooms WHERE room_id = $1`, [roomId]);
}

export function selectRoomByNid(q: Queryable, roomNid: number) {
  return q.get<RoomRow>(`SELECT ${COLUMNS} FROM roomserver_rooms WHERE room_nid = $1`, [roomNid]);
}

export function selectRoomIds(q: Queryable, roomNids: readonly number[], placeholders: string) {
  return q.all<{ room_nid: number; room_id: string }>(
    `SELECT room_nid, room_id FROM roomserver_rooms WHERE room_nid IN (${placeholders})`,
    roomNids,
  );
}

export function insertRoom(q: Queryable, r: RoomRow) {
  return q.run(`INSERT INTO roomserver_rooms (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
    r.room_nid,
    r.room_id,
    r.room_version,
    r.state_snapshot_nid,
    r.latest_event_nids,
    r.last_event_sent_nid,
  ]);
}

/** Rewrites what changes with every event: the room server is the row's only writer. */
export function updateRoom(q: Queryable, r: RoomRow) {
  return q.run(
    'UPDATE roomserver_rooms SET state_snapshot_nid = $2, latest_event_nids = $3, last_event_sent_nid = $4 WHERE room_nid = $1',
    [r.room_nid, r.state_snapshot_nid, r.latest_event_nids, r.last_event_sent_nid],
  );
}

export async function maxRoomNid(q: Queryable): Promise<number> {
  return (await q.get<{ m: number | null }>('SELECT MAX(room_nid) AS m FROM roomserver_rooms'))?.m ?? 0;
}
