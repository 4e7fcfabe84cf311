// Client-Server API, "Published room directory" (list_public_rooms.yaml): GET/PUT
// /directory/list/room/{roomId} and GET/POST /publicRooms. Changing a room's visibility is for a
// server administrator or a member who may change m.room.canonical_alias (the spec lets servers
// add checks; this is Synapse's). Only this server's directory can be listed: the `server`
// parameter may name this server; other servers' directories need federation.
import { MatrixError, forbidden, invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, Membership, RoomVisibility } from '../../protocol/constants.ts';
import type { PublicRoomsRequest } from '../../roomserver/api.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { NO_FEDERATION } from '../rooms/aliases.ts';
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

function checkServer(server: string | undefined, ours: string): void {
  if (server !== undefined && server !== '' && server !== ours) {
    throw new MatrixError('M_UNKNOWN', `Listing the rooms of ${server} needs federation, and ${NO_FEDERATION}`, { status: 502 });
  }
}

function queryLimit(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidParam('limit must be a non-negative integer');
  return n;
}

export function listPublicRoomsOps(ctx: RoomsContext): Operation[] {
  const rs = ctx.rooms;

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
      checkServer(query('server'), ctx.serverName);
      return list({ limit: queryLimit(query('limit')), since: query('since') || undefined });
    }),

    // POST /_matrix/client/v3/publicRooms
    op({ method: 'POST', path: '/publicRooms', access: 'user', body: publicRoomsBody }, async function queryPublicRooms({ body, query }) {
      checkServer(query('server'), ctx.serverName);
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
