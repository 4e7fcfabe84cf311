// Client-Server API, "Joining rooms" (joining.yaml): POST /rooms/{roomId}/join and
// POST /join/{roomIdOrAlias}. A room one of our users is in is joined here, with our own event; a
// room we are not in is joined through another server (Server-Server API, "Joining Rooms":
// make_join / send_join), tried in order: `via` (and the older `server_name`), the servers the
// alias lookup named, the server of whoever invited the user, the server in the room ID.
import { MatrixError, notFound } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, GuestAccess, Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { checkRoomId } from '../rooms/access.ts';
import { resolveRoomIdOrAlias } from '../rooms/aliases.ts';
import { memberContent, sameEvent, sendMember } from '../rooms/member-events.ts';
import { federationFor, inviterServer, isResident, serversFor, viaParams } from '../rooms/remote.ts';
import { JOIN_AUTHORISED_VIA, joinAuthoriser } from '../rooms/restricted-join.ts';
import { copyUserStateOnUpgrade, predecessorOf } from '../rooms/upgrade-user-state.ts';

// Other keys are kept: they become content of the join event (below).
const joinBody = v.object({ reason: v.string().opt(), third_party_signed: v.anyObject().opt() });
type JoinBody = v.Infer<typeof joinBody>;

/** Joins `requester` to the room, here or through `servers`; nothing new when already joined the same way. */
export async function joinRoomAnywhere(ctx: RoomsContext, requester: Requester, roomId: string, body: JoinBody, servers: string[] = []): Promise<void> {
  if (body.third_party_signed) {
    throw new MatrixError('M_UNKNOWN', 'Joining through a third-party invite is not supported by this server', { status: 400 });
  }
  const known = (await ctx.rooms.roomVersion(roomId)) !== null;
  if (known && (await isResident(ctx, roomId))) return joinKnownRoom(ctx, requester, roomId, body);
  const userId = requester.userId;
  const through = serversFor(servers, await inviterServer(ctx, roomId, userId), serverNameOf(roomId));
  if (!through.some((s) => s !== ctx.serverName)) {
    // Nobody else to ask: a room of ours that everyone left can still be joined here.
    if (known) return joinKnownRoom(ctx, requester, roomId, body);
    throw notFound(`Room ${roomId} is not known to this server; name a server to join it through in "via"`);
  }
  // NOTSPEC: keys beyond `reason` become join content, as for local joins (below).
  const { third_party_signed: _t, ...extra } = body as Record<string, unknown>;
  const content = await memberContent(ctx, { roomId, sender: userId, target: userId, membership: Membership.Join, extra, withProfile: true });
  await federationFor(ctx, roomId).performJoin({ roomId, userId, servers: through, content });
}

/** Joins `requester` to a room one of our users is in, with our own event. */
export async function joinKnownRoom(ctx: RoomsContext, requester: Requester, roomId: string, body: JoinBody): Promise<void> {
  const rs = ctx.rooms;
  const id = await rs.roomVersion(roomId);
  const version = id == null ? undefined : roomVersion(id);
  if (!version) throw notFound(`Room ${roomId} is not known to this server`);
  const userId = requester.userId;
  if (requester.isGuest) {
    // Guest access module: "Servers MUST only allow guest users to join rooms if the
    // m.room.guest_access state event is present on the room, and has the value can_join".
    const ga = await rs.stateEvent(roomId, EventType.GuestAccess, '');
    if (ga?.json.content.guest_access !== GuestAccess.CanJoin) throw new MatrixError('M_GUEST_ACCESS_FORBIDDEN', 'Guests cannot join this room');
  }
  const current = await rs.membership(roomId, userId);
  const joinRules = (await rs.stateEvent(roomId, EventType.JoinRules, ''))?.json.content;
  // NOTSPEC: the spec's body has only `reason` and `third_party_signed`; other keys become join
  // content, as Synapse does and SyTest's "can join a room with custom content" expects.
  const { third_party_signed: _t, ...extra } = body as Record<string, unknown>;
  const authoriser = await joinAuthoriser(ctx, roomId, userId, version, joinRules, current?.membership);
  if (authoriser !== undefined) extra[JOIN_AUTHORISED_VIA] = authoriser;
  const change = { roomId, sender: userId, target: userId, membership: Membership.Join, extra, withProfile: true };
  const content = await memberContent(ctx, change);
  if (current?.membership === Membership.Join && sameEvent(await rs.stateEvent(roomId, EventType.Member, userId), userId, content)) {
    return; // Joining twice with the same content is idempotent: no new event.
  }
  await sendMember(ctx, change, content);
  const predecessor = await predecessorOf(ctx, roomId);
  if (predecessor !== undefined) await copyUserStateOnUpgrade(ctx, userId, predecessor, roomId);
}

export function joiningOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/join
    op(
      { method: 'POST', path: '/rooms/:roomId/join', access: 'user-or-guest', rateLimited: true, body: joinBody },
      async function joinRoomById({ params, body, requester }) {
        const roomId = params.roomId!;
        checkRoomId(roomId);
        await joinRoomAnywhere(ctx, requester, roomId, body);
        return { room_id: roomId };
      },
    ),

    // POST /_matrix/client/v3/join/{roomIdOrAlias}
    op(
      { method: 'POST', path: '/join/:roomIdOrAlias', access: 'user-or-guest', rateLimited: true, body: joinBody },
      async function joinRoom({ params, body, requester, queries }) {
        const { roomId, servers } = await resolveRoomIdOrAlias(ctx, params.roomIdOrAlias!);
        await joinRoomAnywhere(ctx, requester, roomId, body, [...viaParams(queries), ...servers]);
        return { room_id: roomId };
      },
    ),
  ];
}
