// Client-Server API, "Room membership" (list_joined_rooms.yaml): GET /joined_rooms, the rooms
// where the user's membership is `join` (not invites, not rooms left).
import { type Operation, op } from '../../http/router.ts';
import { Membership } from '../../protocol/constants.ts';
import type { RoomsContext } from '../context.ts';

export function listJoinedRoomsOps(ctx: RoomsContext): Operation[] {
  return [
    // GET /_matrix/client/v3/joined_rooms
    op({ method: 'GET', path: '/joined_rooms', access: 'user-or-guest' }, async function getJoinedRooms({ requester }) {
      const rooms = await ctx.rooms.roomsForUser(requester.userId, [Membership.Join]);
      return { joined_rooms: rooms.map((r) => r.roomId) };
    }),
  ];
}
