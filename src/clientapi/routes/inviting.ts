// Client-Server API, "Joining rooms" (inviting.yaml): POST /rooms/{roomId}/invite with a user
// ID. An invite to a user already invited answers 200 with no new event ("or was already invited
// to the room"); a user already joined is refused with 403 as the spec lists, a user who blocks
// invites with 403 M_INVITE_BLOCKED (invite permission module). The room server's
// auth rules refuse the rest (inviter not joined, too low a level, invitee banned). Another
// server's user is invited through their server, which countersigns the invite. Invites by
// third-party ID (third_party_membership.yaml) are not supported.
import { MatrixError, forbidden, invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import { parseUserId, serverNameOf } from '../../protocol/identifiers.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { requireInvitable } from '../rooms/invite-permission.ts';
import { sendMember } from '../rooms/member-events.ts';

const inviteBody = v.object({
  user_id: v.string().opt(),
  reason: v.string().opt(),
  // The third-party form of this endpoint (third_party_membership.yaml).
  id_server: v.string().opt(),
  medium: v.string().opt(),
  address: v.string().opt(),
});

export function invitingOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/invite
    op(
      { method: 'POST', path: '/rooms/:roomId/invite', access: 'user', rateLimited: true, body: inviteBody },
      async function inviteUser({ params, body, requester }) {
        const roomId = params.roomId!;
        if (body.user_id === undefined) {
          if (body.medium !== undefined || body.address !== undefined) {
            throw new MatrixError('M_UNKNOWN', 'Inviting by third-party identifier is not supported by this server', { status: 400 });
          }
          throw new MatrixError('M_MISSING_PARAM', 'Missing parameter: user_id');
        }
        const target = body.user_id;
        if (!parseUserId(target).ok) throw invalidParam(`${target} is not a valid user ID`);
        await knownRoom(ctx.rooms, roomId);
        const current = await ctx.rooms.membership(roomId, target);
        if (current?.membership === Membership.Invite) return {};
        if (current?.membership === Membership.Join) throw forbidden(`${target} is already in the room`);
        await requireInvitable(ctx, target);
        if (serverNameOf(target) !== ctx.serverName && ctx.federation) {
          // Another server's user: their server countersigns the invite (Server-Server API, "Inviting to a room").
          const content = body.reason !== undefined ? { reason: body.reason } : {};
          await ctx.federation.performInvite({ roomId, sender: requester.userId, target, content });
          return {};
        }
        await sendMember(ctx, { roomId, sender: requester.userId, target, membership: Membership.Invite, reason: body.reason, withProfile: true });
        return {};
      },
    ),
  ];
}
