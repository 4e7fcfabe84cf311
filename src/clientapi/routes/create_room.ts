// Client-Server API, "Creation" (create_room.yaml): POST /createRoom. The events come from
// rooms/create-room-plan.ts; the room server creates the room with all of them at once, then the
// alias is mapped and the room published as asked.
import { MatrixError } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { RoomPreset, RoomVisibility } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { type MemberProfile, aliasFromName, inviteesOf, planCreateRoom } from '../rooms/create-room-plan.ts';
import { invitesBlocked } from '../rooms/invite-permission.ts';

const createRoomBody = v.object({
  visibility: v.literal(RoomVisibility.Public, RoomVisibility.Private).opt(),
  room_alias_name: v.string().opt(),
  name: v.string().opt(),
  topic: v.string().opt(),
  invite: v.array(v.string()).opt(),
  invite_3pid: v.array(v.anyObject()).opt(),
  room_version: v.string().opt(),
  creation_content: v.anyObject().opt(),
  initial_state: v
    .array(v.object({ type: v.string(), state_key: v.string().opt(), content: v.anyObject() }))
    .opt(),
  preset: v.literal(RoomPreset.PrivateChat, RoomPreset.PublicChat, RoomPreset.TrustedPrivateChat).opt(),
  is_direct: v.boolean().opt(),
  power_level_content_override: v.anyObject().opt(),
});

export function createRoomOps(ctx: RoomsContext): Operation[] {
  async function profiles(userIds: string[]): Promise<Map<string, MemberProfile>> {
    const out = new Map<string, MemberProfile>();
    for (const userId of userIds) {
      if (serverNameOf(userId) !== ctx.serverName) continue;
      const p = await ctx.userapi.getProfile(userId);
      if (p) out.set(userId, p);
    }
    return out;
  }

  return [
    // POST /_matrix/client/v3/createRoom
    op({ method: 'POST', path: '/createRoom', access: 'user', rateLimited: true, body: createRoomBody }, async function createRoom({ body, requester }) {
      const creator = requester.userId;
      const versionId = body.room_version ?? ctx.config.room_server.default_room_version;
      const version = roomVersion(versionId);
      if (!version) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `Room version ${versionId} is not supported by this server`);
      if (body.room_alias_name !== undefined) {
        const alias = aliasFromName(body.room_alias_name, ctx.serverName);
        if (await ctx.rooms.resolveAlias(alias)) throw new MatrixError('M_ROOM_IN_USE', `Room alias ${alias} is already taken`);
      }
      // Invitees who block invites are left out; the room is created all the same.
      const invitees: string[] = [];
      for (const userId of inviteesOf(body.invite, creator)) if (!(await invitesBlocked(ctx, userId))) invitees.push(userId);
      const plan = planCreateRoom({
        body: { ...body, invite: invitees },
        creator,
        version,
        serverName: ctx.serverName,
        profiles: await profiles([creator, ...invitees]),
      });
      let roomId: string;
      try {
        ({ roomId } = await ctx.rooms.createRoom(plan.request));
      } catch (err) {
        // "The initial state implied by the parameters to the request is invalid" (400).
        if (err instanceof MatrixError && err.errcode === 'M_FORBIDDEN') throw new MatrixError('M_INVALID_ROOM_STATE', err.message);
        throw err;
      }
      if (plan.alias !== undefined) {
        try {
          await ctx.rooms.setAlias(plan.alias, roomId, creator);
        } catch (err) {
          // Taken between the check above and now: the room exists, without its alias.
          ctx.log.warn('alias of a new room not set', { roomId, alias: plan.alias, error: err });
          throw new MatrixError('M_ROOM_IN_USE', `Room alias ${plan.alias} is already taken`);
        }
      }
      if (plan.publish) await ctx.rooms.setVisibility(roomId, RoomVisibility.Public);
      return { room_id: roomId };
    }),
  ];
}
