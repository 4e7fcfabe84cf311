// Queries on room state: current state, one state event, the state after an event, the room's
// latest events. All read the cached snapshots and blocks; only misses reach the database.
import { MatrixError } from '../../http/errors.ts';
import type { StoredEvent } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { toStoredEvent } from '../event-store.ts';
import type { Snapshot } from '../state/snapshot.ts';

export async function roomVersion(ctx: RoomserverContext, roomId: string): Promise<string | null> {
  return (await ctx.rooms.get(roomId))?.version.id ?? null;
}

export async function snapshotEvents(ctx: RoomserverContext, snapshot: Snapshot, types?: readonly string[]): Promise<StoredEvent[]> {
  let typeNids: Set<number> | undefined;
  if (types !== undefined) {
    typeNids = new Set((await ctx.types.find(types)).values());
    if (typeNids.size === 0) return [];
  }
  const entries = await ctx.state.entries(snapshot, undefined, typeNids);
  const events = await ctx.events.byNids(entries.map((e) => e.e));
  const out: StoredEvent[] = [];
  for (const e of entries) {
    const loaded = events.get(e.e);
    if (loaded) out.push(toStoredEvent(loaded));
  }
  return out;
}

export async function currentState(ctx: RoomserverContext, roomId: string, filter?: { types?: string[] }): Promise<StoredEvent[]> {
  const room = await ctx.rooms.get(roomId);
  return room ? snapshotEvents(ctx, room.snapshot, filter?.types) : [];
}

export async function stateEvent(ctx: RoomserverContext, roomId: string, type: string, stateKey: string): Promise<StoredEvent | null> {
  const room = await ctx.rooms.get(roomId);
  if (!room) return null;
  const t = ctx.types.cached(type) ?? (await ctx.types.find([type])).get(type);
  const s = ctx.stateKeys.cached(stateKey) ?? (await ctx.stateKeys.find([stateKey])).get(stateKey);
  if (t === undefined || s === undefined) return null;
  const [nid] = await ctx.state.lookup(room.snapshot, [[t, s]]);
  if (!nid) return null;
  const e = await ctx.events.one(nid);
  return e ? toStoredEvent(e) : null;
}

export async function stateAfterEvent(ctx: RoomserverContext, eventId: string, filter?: { types?: string[] }): Promise<StoredEvent[] | null> {
  const e = (await ctx.events.byIds([eventId])).get(eventId);
  if (!e || e.stateAfter === null) return null;
  return snapshotEvents(ctx, await ctx.state.snapshot(e.stateAfter), filter?.types);
}

export async function stateBeforeEvent(ctx: RoomserverContext, eventId: string, filter?: { types?: string[] }): Promise<StoredEvent[] | null> {
  const e = (await ctx.events.byIds([eventId])).get(eventId);
  if (!e || e.stateBefore === null) return null;
  return snapshotEvents(ctx, await ctx.state.snapshot(e.stateBefore), filter?.types);
}

export async function latestEvents(ctx: RoomserverContext, roomId: string): Promise<{ eventIds: string[]; depth: number }> {
  const room = await ctx.rooms.get(roomId);
  if (!room) throw new MatrixError('M_NOT_FOUND', `unknown room ${roomId}`);
  return { eventIds: room.extremities.map((e) => e.eventId), depth: Math.max(0, ...room.extremities.map((e) => e.depth)) };
}
