// Event bodies for readers (DESIGN.md: event JSON is stored once, here; other components fetch
// it in batches). Rejected events are never handed out.
import { selectEventAtTimestamp } from '../storage/events.ts';
import type { StoredEvent } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { toStoredEvent, type LoadedEvent } from '../event-store.ts';

const visible = (e: LoadedEvent | undefined): e is LoadedEvent => e !== undefined && !e.rejected;

export async function eventsById(ctx: RoomserverContext, eventIds: string[]): Promise<StoredEvent[]> {
  const found = await ctx.events.byIds(eventIds);
  return eventIds.map((id) => found.get(id)).filter(visible).map(toStoredEvent);
}

export async function eventsByNid(ctx: RoomserverContext, nids: number[]): Promise<StoredEvent[]> {
  const found = await ctx.events.byNids(nids);
  return nids.map((nid) => found.get(nid)).filter(visible).map(toStoredEvent);
}

/** Client-Server API, "GET /rooms/{roomId}/timestamp_to_event". */
export async function eventAtTimestamp(
  ctx: RoomserverContext,
  roomId: string,
  ts: number,
  dir: 'f' | 'b',
): Promise<{ eventId: string; originServerTs: number } | null> {
  const room = await ctx.rooms.get(roomId);
  if (!room) return null;
  const row = await selectEventAtTimestamp(ctx.db, room.nid, ts, dir);
  return row ? { eventId: row.event_id, originServerTs: row.origin_server_ts } : null;
}
