// Client-Server API, "Knocking on rooms" (knocking.yaml): POST /knock/{roomIdOrAlias}. "Users who
// are currently in the room, already invited, or banned cannot knock" (403); rooms of versions
// before 7 have no knocking, and the auth rules refuse knocks where the join rule does not allow
// them. Knocking on rooms not known here needs federation (make_knock), which does not exist yet.
import { forbidden, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { NO_FEDERATION, resolveRoomIdOrAlias } from '../rooms/aliases.ts';
import { sendMember } from '../rooms/member-events.ts';

const knockBody = v.object({ reason: v.string().opt() });
const CANNOT_KNOCK: readonly string[] = [Membership.Join, Membership.Invite, Membership.Ban];

export function knockingOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/knock/{roomIdOrAlias}
    op(
      { method: 'POST', path: '/knock/:roomIdOrAlias', access: 'user', rateLimited: true, body: knockBody },
      async function knockRoom({ params, body, requester }) {
        const roomId = await resolveRoomIdOrAlias(ctx.rooms, params.roomIdOrAlias!, ctx.serverName);
        const id = await ctx.rooms.roomVersion(roomId);
        const version = id == null ? undefined : roomVersion(id);
        if (!version) throw notFound(`Room ${roomId} is not known to this server, and knocking on it elsewhere needs federation: ${NO_FEDERATION}`);
        if (!version.knocking) throw forbidden(`Room version ${version.id} does not support knocking`);
        const current = await ctx.rooms.membership(roomId, requester.userId);
        if (current && CANNOT_KNOCK.includes(current.membership)) {
          throw forbidden(`You cannot knock on a room where your membership is ${current.membership}`);
        }
        const userId = requester.userId;
        await sendMember(ctx, { roomId, sender: userId, target: userId, membership: Membership.Knock, reason: body.reason, withProfile: true });
        return { room_id: roomId };
      },
    ),
  ];
}
