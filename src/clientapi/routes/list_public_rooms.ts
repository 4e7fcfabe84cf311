// Client-Server API, "Published room directory" (list_public_rooms.yaml): GET/PUT
// /directory/list/room/{roomId} and GET/POST /publicRooms. Changing a room's visibility is for a
// server administrator or a member who may change m.room.canonical_alias (the spec lets servers
// add checks; this is Synapse's). The `server` parameter names another server whose directory is
// asked for over federation (public_rooms.yaml).
import { MatrixError, forbidden, invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, Membership, RoomVisibility } from '../../protocol/constants.ts';
import type { RemotePublicRoomsRequest } from '../../federationapi/api.ts';
import type { PublicRoomsRequest } from '../../roomserver/api.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { canSendState, currentPowerLevels } from '../rooms/power.ts';

const visibilityBody = v.object({ visibility: v.literal(RoomVisibility.Public, RoomVisibility.Private).opt() });

const roomType = () =>
  v.any().refine((t): t is string | null => t === null || typeof t === 'string', 'must be a room type or null', 'M_BAD_JSON');

const publicRoomsBody = v.object({
  limit: v.integer().refine((n) => n >= 0, 'must not be negative').opt(),
  since: v.string().opt(),
  filter: v.object({ generic_search_term: v.string().opt(), room_types: v.array(roomType()).opt() }).opt(),
  include_all_networks: v.boolean().opt(),
  third_party_instance_id: v.string().opt(),
});

/** The other server whose directory is asked for (`server`), if it is not ours. */
function otherServer(server: string | undefined, ours: string): string | undefined {
  return server !== undefined && server !== '' && server !== ours ? server : undefined;
}

function queryLimit(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidParam('limit must be a non-negative integer');
  return n;
}

export function listPublicRoomsOps(ctx: RoomsContext): Operation[] {
  const rs = ctx.rooms;

  /** Another server's directory (Server-Server API, "Published Room Directory"). */
  function remote(server: string) {
    if (!ctx.federation) throw new MatrixError('M_UNKNOWN', `Listing the rooms of ${server} needs federation, which is disabled here`, { status: 502 });
    return ctx.federation;
  }

  async function list(req: PublicRoomsRequest) {
    // limit 0 means no limit, as for clients that send it to mean "all".
    return rs.publicRooms({ ...req, limit: req.limit === 0 ? undefined : req.limit });
  }

  return [
    // GET /_matrix/client/v3/directory/list/room/{roomId}
    op({ method: 'GET', path: '/directory/list/room/:roomId', access: 'none' }, async function getRoomVisibilityOnDirectory({ params }) {
      await knownRoom(rs, params.roomId!);
      return { visibility: await rs.visibility(params.roomId!) };
    }),

    // PUT /_matrix/client/v3/directory/list/room/{roomId}
    op(
      { method: 'PUT', path: '/directory/list/room/:roomId', access: 'user', body: visibilityBody },
      async function setRoomVisibilityOnDirectory({ params, body, requester }) {
        const roomId = params.roomId!;
        const version = await knownRoom(rs, roomId);
        const userId = requester.userId;
        if (!(await ctx.userapi.isAdmin(userId))) {
          const joined = (await rs.membership(roomId, userId))?.membership === Membership.Join;
          if (!joined || !canSendState(await currentPowerLevels(rs, roomId, version), userId, EventType.CanonicalAlias)) {
            throw forbidden('You may not change the visibility of this room in the directory');
          }
        }
        await rs.setVisibility(roomId, body.visibility ?? RoomVisibility.Public);
        return {};
      },
    ),

    // GET /_matrix/client/v3/publicRooms
    op({ method: 'GET', path: '/publicRooms', access: 'none' }, async function getPublicRooms({ query }) {
      const limit = queryLimit(query('limit'));
      const since = query('since') || undefined;
      const server = otherServer(query('server'), ctx.serverName);
      if (server) return remote(server).publicRooms(server, { ...(limit ? { limit } : {}), ...(since ? { since } : {}) });
      return list({ limit, since });
    }),

    // POST /_matrix/client/v3/publicRooms
    op({ method: 'POST', path: '/publicRooms', access: 'user', body: publicRoomsBody }, async function queryPublicRooms({ body, query }) {
      const server = otherServer(query('server'), ctx.serverName);
      if (server) return remote(server).publicRooms(server, body as RemotePublicRoomsRequest);
      // Rooms of application services' third-party networks: this server has none.
      if (body.third_party_instance_id !== undefined && !body.include_all_networks) return { chunk: [], total_room_count_estimate: 0 };
      return list({
        limit: body.limit,
        since: body.since,
        filter: body.filter?.generic_search_term || undefined,
        roomTypes: body.filter?.room_types as (string | null)[] | undefined,
      });
    }),
  ];
}
