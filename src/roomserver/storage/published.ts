// roomserver_published: rooms listed in the server's public room directory (Client-Server API,
// "Listing rooms in the room directory"). A room is public when it has a row.
import type { Queryable } from '../../storage/types.ts';

export const PUBLISHED_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_published (
  room_id TEXT PRIMARY KEY,
  published_ts BIGINT NOT NULL
)`;

export function insertPublished(q: Queryable, roomId: string, ts: number) {
  return q.run('INSERT INTO roomserver_published (room_id, published_ts) VALUES ($1, $2) ON CONFLICT DO NOTHING', [roomId, ts]);
}

export function deletePublished(q: Queryable, roomId: string) {
  return q.run('DELETE FROM roomserver_published WHERE room_id = $1', [roomId]);
}

export async function isPublished(q: Queryable, roomId: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS x FROM roomserver_published WHERE room_id = $1', [roomId])) !== undefined;
}

export async function selectPublishedRoomIds(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ room_id: string }>('SELECT room_id FROM roomserver_published ORDER BY room_id');
  return rows.map((r) => r.room_id);
}
