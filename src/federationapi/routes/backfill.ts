// Server-Server API, "Backfilling and retrieving missing events" (backfill.yaml).
import { missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { FederationContext } from '../context.ts';
import { walkBack } from '../serve/history.ts';
import { checkRoomAccess } from '../serve/room-access.ts';
import { forServer } from '../serve/visibility.ts';

const MAX_LIMIT = 100;

/** Mounted under /_matrix/federation/v1. */
export function backfillOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/backfill/{roomId}
    op({ method: 'GET', path: '/backfill/:roomId', access: 'server' }, async function backfillRoom({ params, query, queries, origin }) {
      const roomId = params.roomId!;
      const from = queries('v');
      if (from.length === 0) throw missingParam('v (the events to backfill from) is required');
      const limit = Math.min(Math.max(Number(query('limit') ?? 10) || 10, 1), MAX_LIMIT);
      await checkRoomAccess(ctx, roomId, origin!);
      const events = await walkBack(ctx.roomserver, { from, includeFrom: true, stopAt: new Set(), limit, minDepth: 0, roomId });
      return { origin: ctx.serverName, origin_server_ts: ctx.now(), pdus: await forServer(ctx.roomserver, origin!, events) };
    }),
    // POST /_matrix/federation/v1/get_missing_events/{roomId}
    op(
      {
        method: 'POST',
        path: '/get_missing_events/:roomId',
        access: 'server',
        body: v.object({
          earliest_events: v.array(v.string()),
          latest_events: v.array(v.string()),
          limit: v.integer().opt(),
          min_depth: v.integer().opt(),
        }),
      },
      async function getMissingPreviousEvents({ params, body, origin }) {
        const roomId = params.roomId!;
        await checkRoomAccess(ctx, roomId, origin!);
        const limit = Math.min(Math.max(body.limit ?? 10, 1), MAX_LIMIT);
        const events = await walkBack(ctx.roomserver, {
          from: body.latest_events,
          includeFrom: false,
          stopAt: new Set(body.earliest_events),
          limit,
          minDepth: body.min_depth ?? 0,
          roomId,
        });
        events.sort((a, b) => a.json.depth - b.json.depth);
        return { events: await forServer(ctx.roomserver, origin!, events) };
      },
    ),
  ];
}
