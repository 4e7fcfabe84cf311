// Client-Server API, "Room aliases" (directory.yaml): PUT/GET/DELETE /directory/room/{roomAlias}
// and GET /rooms/{roomId}/aliases. Aliases are this server's own (its server name after the ':');
// another server's alias is looked up on that server (federation's /query/directory).
// Creating one needs membership of the room; deleting one is for the alias's creator, a server
// administrator or a member who may change m.room.canonical_alias (the spec leaves the checks to
// servers; this is Synapse's rule, which SyTest expects). A deleted alias leaves the room's
// canonical alias event too, when the requester may send it.
import { MatrixError, forbidden, invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, HistoryVisibility, Membership } from '../../protocol/constants.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { checkRoomId, historyVisibility, knownRoom, requireJoined } from '../rooms/access.ts';
import { validAlias, withoutAlias } from '../rooms/aliases.ts';
import { canSendState, currentPowerLevels } from '../rooms/power.ts';

const setAliasBody = v.object({ room_id: v.string() });

export function directoryOps(ctx: RoomsContext): Operation[] {
  const rs = ctx.rooms;

  function localAlias(alias: string): string {
    if (validAlias(alias).serverName !== ctx.serverName) throw invalidParam(`Room alias ${alias} is not on this server`);
    return alias;
  }

  async function mayDelete(roomId: string, creator: string, userId: string): Promise<boolean> {
    if (creator === userId || (await ctx.userapi.isAdmin(userId))) return true;
    const id = await rs.roomVersion(roomId);
    const version = id == null ? undefined : roomVersion(id);
    if (!version || (await rs.membership(roomId, userId))?.membership !== Membership.Join) return false;
    return canSendState(await currentPowerLevels(rs, roomId, version), userId, EventType.CanonicalAlias);
  }

  /** Takes a deleted alias out of the room's canonical alias event, if it is named there. */
  async function dropFromCanonical(roomId: string, alias: string, userId: string): Promise<void> {
    const current = await rs.stateEvent(roomId, EventType.CanonicalAlias, '');
    const content = current && withoutAlias(current.json.content, alias);
    if (!content) return;
    try {
      await rs.sendEvent({ roomId, sender: userId, event: { type: EventType.CanonicalAlias, stateKey: '', content } });
    } catch (error) {
      // "delete the alias and return a successful response even if the user does not have
      // permission to update the m.room.canonical_alias event".
      ctx.log.info('canonical alias not updated after alias deletion', { roomId, alias, error });
    }
  }

  return [
    // PUT /_matrix/client/v3/directory/room/{roomAlias}
    op({ method: 'PUT', path: '/directory/room/:roomAlias', access: 'user', body: setAliasBody }, async function setRoomAlias({ params, body, requester }) {
      const alias = localAlias(params.roomAlias!);
      await knownRoom(rs, body.room_id);
      if (!requester.appserviceId) await requireJoined(rs, body.room_id, requester.userId);
      const taken = () => new MatrixError('M_UNKNOWN', `Room alias ${alias} already exists`, { status: 409 });
      if (await rs.resolveAlias(alias)) throw taken();
      try {
        await rs.setAlias(alias, body.room_id, requester.userId);
      } catch (err) {
        if (await rs.resolveAlias(alias)) throw taken();
        throw err;
      }
      return {};
    }),

    // GET /_matrix/client/v3/directory/room/{roomAlias}
    op({ method: 'GET', path: '/directory/room/:roomAlias', access: 'none' }, async function getRoomIdByAlias({ params }) {
      const alias = params.roomAlias!;
      const { serverName } = validAlias(alias);
      const found = await rs.resolveAlias(alias);
      if (found) return { room_id: found.roomId, servers: found.servers };
      // Another server's alias: that server answers (Server-Server API, "Querying for information").
      if (serverName !== ctx.serverName && ctx.federation) return ctx.federation.queryDirectory(alias);
      throw notFound(`Room alias ${alias} not found`);
    }),

    // DELETE /_matrix/client/v3/directory/room/{roomAlias}
    op({ method: 'DELETE', path: '/directory/room/:roomAlias', access: 'user' }, async function deleteRoomAlias({ params, requester }) {
      const alias = localAlias(params.roomAlias!);
      const found = await rs.resolveAlias(alias);
      const creator = await rs.aliasCreator(alias);
      if (!found || creator == null) throw notFound(`Room alias ${alias} not found`);
      if (!(await mayDelete(found.roomId, creator, requester.userId))) throw forbidden('You may not delete this alias');
      const removed = await rs.removeAlias(alias);
      if (!removed) throw notFound(`Room alias ${alias} not found`);
      await dropFromCanonical(removed.roomId, alias, requester.userId);
      return {};
    }),

    // GET /_matrix/client/v3/rooms/{roomId}/aliases
    op({ method: 'GET', path: '/rooms/:roomId/aliases', access: 'user', rateLimited: true }, async function getLocalAliases({ params, requester }) {
      const roomId = params.roomId!;
      checkRoomId(roomId);
      const joined = (await rs.membership(roomId, requester.userId))?.membership === Membership.Join;
      if (!joined && (await historyVisibility(rs, roomId)) !== HistoryVisibility.WorldReadable) {
        throw forbidden('You are not a member of the room');
      }
      return { aliases: await rs.aliasesForRoom(roomId) };
    }),
  ];
}
