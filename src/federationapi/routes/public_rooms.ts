// Server-Server API, "Published Room Directory" (public_rooms.yaml): our public room directory.
import { invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { FederationContext } from '../context.ts';

/** Mounted under /_matrix/federation/v1. */
export function publicRoomsOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/publicRooms
    op({ method: 'GET', path: '/publicRooms', access: 'server' }, async function getPublicRooms({ query }) {
      const raw = query('limit');
      if (raw !== undefined && !/^\d+$/.test(raw)) throw invalidParam('limit must be a non-negative integer');
      return ctx.roomserver.publicRooms({ limit: raw === undefined ? undefined : Number(raw), since: query('since') || undefined });
    }),
    // POST /_matrix/federation/v1/publicRooms
    op(
      {
        method: 'POST',
        path: '/publicRooms',
        access: 'server',
        body: v.object({
          limit: v.integer().opt(),
          since: v.string().opt(),
          filter: v.object({ generic_search_term: v.string().opt(), room_types: v.array(v.any()).opt() }).opt(),
          include_all_networks: v.boolean().opt(),
          third_party_instance_id: v.string().opt(),
        }),
      },
      async function queryPublicRooms({ body }) {
        const roomTypes = body.filter?.room_types?.filter((t): t is string | null => t === null || typeof t === 'string');
        return ctx.roomserver.publicRooms({ limit: body.limit, since: body.since, filter: body.filter?.generic_search_term, roomTypes });
      },
    ),
  ];
}
