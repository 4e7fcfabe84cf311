// A user's own settings follow them to the replacement room of an upgrade (Room Upgrades, "Server
// behaviour": "When a user joins the new room, the server should automatically transfer/replicate
// some of the user's personalized settings such as notifications, tags, etc."): the room joins
// the user's m.direct lists wherever the old one is listed, and the old room's m.tag is copied.
import { AccountDataType, EventType } from '../../protocol/constants.ts';
import type { RoomsContext } from '../context.ts';

/** The predecessor named by a room's create event, if any. */
export async function predecessorOf(ctx: RoomsContext, roomId: string): Promise<string | undefined> {
  const create = await ctx.rooms.stateEvent(roomId, EventType.Create, '');
  const pred = create?.json.content.predecessor;
  if (pred && typeof pred === 'object' && !Array.isArray(pred) && typeof pred.room_id === 'string') return pred.room_id;
  return undefined;
}

/** m.direct with `newRoomId` added next to `oldRoomId`; null when nothing changes. */
export function directWithReplacement(direct: Record<string, unknown>, oldRoomId: string, newRoomId: string): Record<string, unknown> | null {
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [userId, rooms] of Object.entries(direct)) {
    if (Array.isArray(rooms) && rooms.includes(oldRoomId) && !rooms.includes(newRoomId)) {
      out[userId] = [...rooms, newRoomId];
      changed = true;
    } else out[userId] = rooms;
  }
  return changed ? out : null;
}

export async function copyUserStateOnUpgrade(ctx: RoomsContext, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  try {
    const direct = await ctx.userapi.getAccountData(userId, '', AccountDataType.Direct);
    const updated = direct ? directWithReplacement(direct, oldRoomId, newRoomId) : null;
    if (updated) await ctx.userapi.setAccountData(userId, '', AccountDataType.Direct, updated);
    const tags = await ctx.userapi.getAccountData(userId, oldRoomId, AccountDataType.Tag);
    if (tags && !(await ctx.userapi.getAccountData(userId, newRoomId, AccountDataType.Tag))) {
      await ctx.userapi.setAccountData(userId, newRoomId, AccountDataType.Tag, tags);
    }
  } catch (error) {
    // The join or upgrade itself has happened; settings are a convenience.
    ctx.log.warn('user settings not copied to upgraded room', { userId, oldRoomId, newRoomId, error });
  }
}
