// Client-Server API, "Leaving rooms" (leaving.yaml): POST /rooms/{roomId}/leave and
// POST /rooms/{roomId}/forget. Leaving rejects an invite or retracts a knock too; for a room this
// server is not in, that goes through a resident server (make_leave / send_leave). This server
// does not forget rooms on leave (so it advertises no m.forget_forced_upon_leave).
import { MatrixError } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { RoomsContext } from '../context.ts';
import { checkRoomId, knownRoom } from '../rooms/access.ts';
import { sendMember } from '../rooms/member-events.ts';
import { federationFor, inviterServer, isResident, serversFor } from '../rooms/remote.ts';

const leaveBody = v.object({ reason: v.string().opt() });

export function leavingOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/leave
    op(
      { method: 'POST', path: '/rooms/:roomId/leave', access: 'user-or-guest', rateLimited: true, body: leaveBody },
      async function leaveRoom({ params, body, requester }) {
        const roomId = params.roomId!;
        await knownRoom(ctx.rooms, roomId);
        const current = await ctx.rooms.membership(roomId, requester.userId);
        // Leaving a room already left changes nothing; the room server refuses the rest
        // ("must have been invited to or have joined the room", or knocked).
        if (current?.membership === Membership.Leave) return {};
        const userId = requester.userId;
        if ((current?.membership === Membership.Invite || current?.membership === Membership.Knock) && !(await isResident(ctx, roomId))) {
          // An invite from another server, or our knock on a room elsewhere: only a resident
          // server can put the leave into the room (Server-Server API, "Leaving Rooms").
          const servers = serversFor([], await inviterServer(ctx, roomId, userId), serverNameOf(roomId));
          const content = body.reason !== undefined ? { reason: body.reason } : {};
          await federationFor(ctx, roomId).performLeave({ roomId, userId, servers, content });
          return {};
        }
        await sendMember(ctx, { roomId, sender: userId, target: userId, membership: Membership.Leave, reason: body.reason });
        return {};
      },
    ),

    // POST /_matrix/client/v3/rooms/{roomId}/forget
    op({ method: 'POST', path: '/rooms/:roomId/forget', access: 'user', rateLimited: true }, async function forgetRoom({ params, requester }) {
      const roomId = params.roomId!;
      checkRoomId(roomId);
      const current = await ctx.rooms.membership(roomId, requester.userId);
      // "If the user is currently joined to the room, they must leave the room before calling
      // this API" (400 M_UNKNOWN); an invite or knock is still pending too.
      if (current && current.membership !== Membership.Leave && current.membership !== Membership.Ban) {
        throw new MatrixError('M_UNKNOWN', `User ${requester.userId} is in room ${roomId}`, { status: 400 });
      }
      await ctx.rooms.forget(roomId, requester.userId);
      return {};
    }),
  ];
}
