// Client-Server API, "Leaving rooms" (kicking.yaml): POST /rooms/{roomId}/kick. The kickee must
// be in the room (joined, invited or knocking: 403 otherwise, as the spec lists "The kickee is not
// currently in the room"); a banned user is unbanned through /unban, not kicked. The room server's
// auth rules check the kicker's membership and level.
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { sendMember, targetUser } from '../rooms/member-events.ts';

const kickBody = v.object({ user_id: targetUser(), reason: v.string().opt() });
const IN_ROOM: readonly string[] = [Membership.Join, Membership.Invite, Membership.Knock];

export function kickingOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/kick
    op({ method: 'POST', path: '/rooms/:roomId/kick', access: 'user', rateLimited: true, body: kickBody }, async function kick({ params, body, requester }) {
      const roomId = params.roomId!;
      await knownRoom(ctx.rooms, roomId);
      const current = await ctx.rooms.membership(roomId, body.user_id);
      if (!current || !IN_ROOM.includes(current.membership)) throw forbidden(`${body.user_id} is not in the room`);
      await sendMember(ctx, { roomId, sender: requester.userId, target: body.user_id, membership: Membership.Leave, reason: body.reason });
      return {};
    }),
  ];
}
