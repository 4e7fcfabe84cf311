// roomserver_room_aliases: local room aliases (Client-Server API, "Room aliases"), with the user
// who created each, who may delete it without the room's power levels.
import type { Queryable } from '../../storage/types.ts';

export const ROOM_ALIASES_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_room_aliases (
  alias TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  creator TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS roomserver_room_aliases_room_idx ON roomserver_room_aliases (room_id)`;

/** false when the alias is taken. */
export async function insertAlias(q: Queryable, alias: string, roomId: string, creator: string): Promise<boolean> {
  const r = await q.run('INSERT INTO roomserver_room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    alias,
    roomId,
    creator,
  ]);
  return r.changes > 0;
}

export function selectAlias(q: Queryable, alias: string) {
  return q.get<{ room_id: string; creator: string }>('SELECT room_id, creator FROM roomserver_room_aliases WHERE alias = $1', [alias]);
}

export function deleteAlias(q: Queryable, alias: string) {
  return q.get<{ room_id: string; creator: string }>('DELETE FROM roomserver_room_aliases WHERE alias = $1 RETURNING room_id, creator', [
    alias,
  ]);
}

export async function selectAliasesForRoom(q: Queryable, roomId: string): Promise<string[]> {
  const rows = await q.all<{ alias: string }>('SELECT alias FROM roomserver_room_aliases WHERE room_id = $1 ORDER BY alias', [roomId]);
  return rows.map((r) => r.alias);
}

/** Room upgrades: every alias of the old room now points at the new one. */
export function moveAliases(q: Queryable, fromRoomId: string, toRoomId: string) {
  return q.run('UPDATE roomserver_room_aliases SET room_id = $2 WHERE room_id = $1', [fromRoomId, toRoomId]);
}
