// federationapi_joined_hosts: which servers are in each room, as the join events in the room's
// current state say (one row per current join event, keyed by its event ID so that a state
// change that removes the event removes the row). The federation sender sends our events and
// room EDUs to these servers.
import { inList } from '../../storage/dialect.ts';
import type { Queryable } from '../../storage/types.ts';

export const JOINED_HOSTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_joined_hosts (
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  server_name TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);
CREATE INDEX IF NOT EXISTS federationapi_joined_hosts_server ON federationapi_joined_hosts (server_name, room_id)`;

export interface JoinedHost {
  roomId: string;
  eventId: string;
  serverName: string;
}

export async function insertJoinedHosts(q: Queryable, hosts: readonly JoinedHost[]): Promise<void> {
  for (const h of hosts) {
    await q.run(
      'INSERT INTO federationapi_joined_hosts (room_id, event_id, server_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [h.roomId, h.eventId, h.serverName],
    );
  }
}

export async function deleteJoinedHostsByEvents(q: Queryable, roomId: string, eventIds: readonly string[]): Promise<void> {
  for (let i = 0; i < eventIds.length; i += 100) {
    const part = eventIds.slice(i, i + 100);
    await q.run(`DELETE FROM federationapi_joined_hosts WHERE room_id = $1 AND event_id IN (${inList(2, part.length)})`, [roomId, ...part]);
  }
}

export async function deleteRoomHosts(q: Queryable, roomId: string): Promise<void> {
  await q.run('DELETE FROM federationapi_joined_hosts WHERE room_id = $1', [roomId]);
}

/** Distinct servers with a joined member in the room. */
export async function selectHostsInRoom(q: Queryable, roomId: string): Promise<string[]> {
  const rows = await q.all<{ server_name: string }>(
    'SELECT DISTINCT server_name FROM federationapi_joined_hosts WHERE room_id = $1',
    [roomId],
  );
  return rows.map((r) => r.server_name);
}

/** Whether any row exists for the room (rows exist as soon as anyone has joined). */
export async function roomHasHosts(q: Queryable, roomId: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS x FROM federationapi_joined_hosts WHERE room_id = $1 LIMIT 1', [roomId])) !== undefined;
}
