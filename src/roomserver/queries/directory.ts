// The published room directory (Client-Server API, "Listing rooms in the room directory"):
// visibility per room and publicRooms with its filter, room types and since/limit tokens. Rooms
// are ordered by joined members, largest first, then by room ID (a stable order, as the spec
// recommends); tokens are offsets into that order.
import { MatrixError } from '../../http/errors.ts';
import { AuthEventType } from '../../protocol/auth/names.ts';
import { EventType, GuestAccess, HistoryVisibility, RoomVisibility } from '../../protocol/constants.ts';
import { stateKeyOf, type EventView } from '../../protocol/event.ts';
import type { PublicRoom, PublicRoomsRequest, PublicRoomsResponse } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { WriteBatch } from '../input/batch.ts';
import { stateEvents } from '../input/load.ts';
import { inBatches } from '../storage/in-batches.ts';
import { selectJoinedCounts } from '../storage/memberships.ts';
import { deletePublished, insertPublished, isPublished, selectPublishedRoomIds } from '../storage/published.ts';

const DEFAULT_LIMIT = 100;
const SHOWN: readonly (readonly [string, string])[] = [
  [EventType.Name, ''],
  [EventType.Topic, ''],
  [EventType.Avatar, ''],
  [EventType.CanonicalAlias, ''],
  [AuthEventType.JoinRules, ''],
  [EventType.HistoryVisibility, ''],
  [EventType.GuestAccess, ''],
  [AuthEventType.Create, ''],
];

export async function setVisibility(ctx: RoomserverContext, roomId: string, visibility: 'public' | 'private'): Promise<void> {
  if (!(await ctx.rooms.get(roomId))) throw new MatrixError('M_NOT_FOUND', `unknown room ${roomId}`);
  await ctx.db.transaction((tx) => (visibility === RoomVisibility.Public ? insertPublished(tx, roomId, ctx.now()) : deletePublished(tx, roomId)));
}

export async function visibility(ctx: RoomserverContext, roomId: string): Promise<'public' | 'private'> {
  return (await isPublished(ctx.db, roomId)) ? RoomVisibility.Public : RoomVisibility.Private;
}

export async function publicRooms(ctx: RoomserverContext, req: PublicRoomsRequest): Promise<PublicRoomsResponse> {
  const ids = await selectPublishedRoomIds(ctx.db);
  const rooms = (await Promise.all(ids.map((id) => ctx.rooms.get(id)))).filter((r) => r !== null);
  const counts = new Map<number, number>();
  const rows = await inBatches(
    rooms.map((r) => r.nid),
    (list, params) => selectJoinedCounts(ctx.db, list, params as number[]),
  );
  for (const r of rows) counts.set(r.room_nid, r.n);

  const term = req.filter?.trim().toLowerCase();
  const all: PublicRoom[] = [];
  for (const room of rooms) {
    const state = await stateEvents(ctx, new WriteBatch(), room.snapshot, SHOWN);
    const entry = describe(room.roomId, counts.get(room.nid) ?? 0, state);
    if (req.roomTypes !== undefined && !req.roomTypes.includes(entry.room_type ?? null)) continue;
    if (term && ![entry.name, entry.topic, entry.canonical_alias].some((s) => s?.toLowerCase().includes(term))) continue;
    all.push(entry);
  }
  all.sort((a, b) => b.num_joined_members - a.num_joined_members || (a.room_id < b.room_id ? -1 : a.room_id > b.room_id ? 1 : 0));

  const limit = req.limit !== undefined && req.limit > 0 ? req.limit : DEFAULT_LIMIT;
  const { start, end } = pageOf(req.since, limit, all.length);
  const out: PublicRoomsResponse = { chunk: all.slice(start, end), total_room_count_estimate: all.length };
  if (end < all.length) out.next_batch = `n${end}`;
  if (start > 0) out.prev_batch = `p${start}`;
  return out;
}

/** `n<offset>`: the page starting there; `p<offset>`: the page ending there. */
function pageOf(since: string | undefined, limit: number, total: number): { start: number; end: number } {
  const m = since === undefined ? null : /^([np])(\d+)$/.exec(since);
  if (since !== undefined && m === null) throw new MatrixError('M_INVALID_PARAM', 'invalid since token');
  const offset = m ? Math.min(Number(m[2]), total) : 0;
  if (m?.[1] === 'p') return { start: Math.max(0, offset - limit), end: offset };
  return { start: offset, end: Math.min(total, offset + limit) };
}

function describe(roomId: string, joined: number, state: Map<string, EventView>): PublicRoom {
  const str = (type: string, field: string): string | undefined => {
    const v = state.get(stateKeyOf(type, ''))?.content[field];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const out: PublicRoom = {
    room_id: roomId,
    num_joined_members: joined,
    world_readable: str(EventType.HistoryVisibility, 'history_visibility') === HistoryVisibility.WorldReadable,
    guest_can_join: str(EventType.GuestAccess, 'guest_access') === GuestAccess.CanJoin,
  };
  const fields: [keyof PublicRoom, string | undefined][] = [
    ['name', str(EventType.Name, 'name')],
    ['topic', str(EventType.Topic, 'topic')],
    ['avatar_url', str(EventType.Avatar, 'url')],
    ['canonical_alias', str(EventType.CanonicalAlias, 'alias')],
    ['join_rule', str(AuthEventType.JoinRules, 'join_rule')],
    ['room_type', str(AuthEventType.Create, 'type')],
  ];
  for (const [k, v] of fields) if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
  return out;
}
