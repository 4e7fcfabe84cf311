// Client-Server API, "Banning users in a room" (banning.yaml): POST /rooms/{roomId}/ban and
// /unban. Banning works on anyone, in the room or not; unbanning only on a banned user (403
// otherwise). The room server's auth rules check the levels.
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { sendMember, targetUser } from '../rooms/member-events.ts';

const banBody = v.object({ user_id: targetUser(), reason: v.string().opt() });

export function banningOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/ban
    op({ method: 'POST', path: '/rooms/:roomId/ban', access: 'user', rateLimited: true, body: banBody }, async function ban({ params, body, requester }) {
      const roomId = params.roomId!;
      await knownRoom(ctx.rooms, roomId);
      await sendMember(ctx, { roomId, sender: requester.userId, target: body.user_id, membership: Membership.Ban, reason: body.reason });
      return {};
    }),

    // POST /_matrix/client/v3/rooms/{roomId}/unban
    op({ method: 'POST', path: '/rooms/:roomId/unban', access: 'user', rateLimited: true, body: banBody }, async function unban({ params, body, requester }) {
      const roomId = params.roomId!;
      await knownRoom(ctx.rooms, roomId);
      const current = await ctx.rooms.membership(roomId, body.user_id);
      if (current?.membership !== Membership.Ban) throw forbidden(`${body.user_id} is not banned from the room`);
      await sendMember(ctx, { roomId, sender: requester.userId, target: body.user_id, membership: Membership.Leave, reason: body.reason });
      return {};
    }),
  ];
}
