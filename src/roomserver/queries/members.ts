// Membership queries (Client-Server API, "Room membership"): a user's membership from the
// cached current state, and the memberships table for the per-user and per-room lists.
import { MatrixError } from '../../http/errors.ts';
import { AuthEventType, Membership as M } from '../../protocol/auth/names.ts';
import type { Membership } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { inBatches } from '../storage/in-batches.ts';
import { selectMembersWith, selectMembership, selectRoomsForUser, updateForgotten } from '../storage/memberships.ts';
import { stateEvent } from './state.ts';

export async function membership(ctx: RoomserverContext, roomId: string, userId: string): Promise<Membership | null> {
  const e = await stateEvent(ctx, roomId, AuthEventType.Member, userId);
  if (!e) return null;
  const value = e.json.content.membership;
  return { membership: typeof value === 'string' ? value : M.Leave, eventId: e.eventId, nid: e.nid };
}

export async function roomsForUser(
  ctx: RoomserverContext,
  userId: string,
  memberships: string[],
): Promise<{ roomId: string; membership: string; eventId: string }[]> {
  const target = (await ctx.stateKeys.find([userId])).get(userId);
  if (target === undefined || memberships.length === 0) return [];
  const rows = await inBatches(memberships, (list, params) => selectRoomsForUser(ctx.db, list, params as (string | number)[]), [target]);
  return rows.map((r) => ({ roomId: r.room_id, membership: r.membership, eventId: r.event_id }));
}

export async function joinedMembers(ctx: RoomserverContext, roomId: string): Promise<string[]> {
  const room = await ctx.rooms.get(roomId);
  if (!room) return [];
  return (await selectMembersWith(ctx.db, room.nid, M.Join)).map((r) => r.user_id);
}

/** Client-Server API, "POST /rooms/{roomId}/forget": the user must have left first. */
export async function forget(ctx: RoomserverContext, roomId: string, userId: string): Promise<void> {
  const room = await ctx.rooms.get(roomId);
  const target = (await ctx.stateKeys.find([userId])).get(userId);
  if (!room || target === undefined) return;
  // In the room's queue, so no membership change of the room interleaves with the check.
  await ctx.queues.run(roomId, async () => {
    const row = await selectMembership(ctx.db, room.nid, target);
    if (!row) return;
    if (row.membership === M.Join) throw new MatrixError('M_UNKNOWN', `User ${userId} is in room ${roomId}`, { status: 400 });
    await ctx.db.transaction((tx) => updateForgotten(tx, room.nid, target));
  });
}

export async function isForgotten(ctx: RoomserverContext, roomId: string, userId: string): Promise<boolean> {
  const room = await ctx.rooms.get(roomId);
  const target = (await ctx.stateKeys.find([userId])).get(userId);
  if (!room || target === undefined) return false;
  return (await selectMembership(ctx.db, room.nid, target))?.forgotten === 1;
}
