// The typing stream: m.typing in each joined room's ephemeral events (Client-Server API,
// "Typing Notifications"), the full list of users typing, for rooms whose typing changed since
// the token or that are new to the client.
import { EphemeralType } from '../../protocol/constants.ts';
import { eventMatches, matchesNothing, roomAllowed } from '../sync/filter.ts';
import { type SyncRequest, type SyncStream, joinedRoom } from './types.ts';

export class TypingStream implements SyncStream {
  readonly key = 'typing' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const typing = req.ctx.typing;
    const f = req.filter.room.ephemeral;
    if (matchesNothing(f) || !eventMatches(f, { type: EphemeralType.Typing, sender: req.userId })) return to;
    // A position above ours comes from before a restart: treat the client as knowing nothing.
    const since = from > typing.latest() ? 0 : from;
    for (const roomId of req.joinedRooms) {
      if (!roomAllowed(req.filter, roomId) || f.notRooms?.has(roomId) || (f.rooms && !f.rooms.has(roomId))) continue;
      const pos = typing.roomPosition(roomId);
      const users = typing.typingUsers(roomId).filter((u) => !req.ignored.has(u));
      const changed = pos > since && pos <= to;
      const fresh = req.newlyJoinedRooms.has(roomId) && users.length > 0;
      if (!changed && !fresh) continue;
      joinedRoom(req, roomId).ephemeral.events.push({ type: EphemeralType.Typing, content: { user_ids: users } });
    }
    return to;
  }
}
