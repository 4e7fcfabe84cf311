// Client-Server API, "Knocking on rooms" (knocking.yaml): POST /knock/{roomIdOrAlias}. "Users who
// are currently in the room, already invited, or banned cannot knock" (403); rooms of versions
// before 7 have no knocking, and the auth rules refuse knocks where the join rule does not allow
// them. A room this server is not in is knocked on through another server (Server-Server API,
// "Knocking upon a room": make_knock / send_knock), tried in the order `via`, `server_name`, the
// alias's servers, the server in the room ID.
import { forbidden, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { resolveRoomIdOrAlias } from '../rooms/aliases.ts';
import { memberContent, sendMember } from '../rooms/member-events.ts';
import { federationFor, isResident, serversFor, viaParams } from '../rooms/remote.ts';

const knockBody = v.object({ reason: v.string().opt() });
const CANNOT_KNOCK: readonly string[] = [Membership.Join, Membership.Invite, Membership.Ban];

export function knockingOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/knock/{roomIdOrAlias}
    op(
      { method: 'POST', path: '/knock/:roomIdOrAlias', access: 'user', rateLimited: true, body: knockBody },
      async function knockRoom({ params, body, requester, queries }) {
        const { roomId, servers } = await resolveRoomIdOrAlias(ctx, params.roomIdOrAlias!);
        const userId = requester.userId;
        const change = { roomId, sender: userId, target: userId, membership: Membership.Knock, reason: body.reason, withProfile: true };
        const id = await ctx.rooms.roomVersion(roomId);
        const current = id == null ? null : await ctx.rooms.membership(roomId, userId);
        if (current && CANNOT_KNOCK.includes(current.membership)) {
          throw forbidden(`You cannot knock on a room where your membership is ${current.membership}`);
        }
        if (id == null || !(await isResident(ctx, roomId))) {
          const through = serversFor([...viaParams(queries), ...servers], serverNameOf(roomId));
          if (!through.some((s) => s !== ctx.serverName)) throw notFound(`Room ${roomId} is not known to this server; name a server in "via"`);
          const content = await memberContent(ctx, change);
          await federationFor(ctx, roomId).performKnock({ roomId, userId, servers: through, content });
          return { room_id: roomId };
        }
        const version = roomVersion(id);
        if (!version?.knocking) throw forbidden(`Room version ${id} does not support knocking`);
        await sendMember(ctx, change);
        return { room_id: roomId };
      },
    ),
  ];
}
