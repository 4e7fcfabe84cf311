// Client-Server API, "Getting events for a room" (room_event_by_timestamp.yaml):
// GET /rooms/{roomId}/timestamp_to_event?ts=…&dir=f|b, for readers of the room (members, past
// members up to their leave, anyone in a world_readable room). Only events this server has are
// searched: asking other servers needs federation, which does not exist yet.
import { invalidParam, missingParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { RoomsContext } from '../context.ts';
import { readableStatePoint } from '../rooms/access.ts';

export function roomEventByTimestampOps(ctx: RoomsContext): Operation[] {
  return [
    // GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event
    op(
      { method: 'GET', path: '/rooms/:roomId/timestamp_to_event', access: 'user', rateLimited: true },
      async function getEventByTimestamp({ params, query, requester }) {
        const roomId = params.roomId!;
        const tsParam = query('ts');
        const dir = query('dir');
        if (tsParam === undefined) throw missingParam('Missing parameter: ts');
        if (dir === undefined) throw missingParam('Missing parameter: dir');
        const ts = Number(tsParam);
        if (!/^-?\d+$/.test(tsParam) || !Number.isSafeInteger(ts)) throw invalidParam('ts must be an integer');
        if (dir !== 'f' && dir !== 'b') throw invalidParam('dir must be f or b');
        await readableStatePoint(ctx.rooms, roomId, requester.userId);
        const found = await ctx.rooms.eventAtTimestamp(roomId, ts, dir);
        if (!found) throw notFound(`Unable to find an event from ${ts} in the ${dir === 'f' ? 'forward' : 'backward'} direction`);
        return { event_id: found.eventId, origin_server_ts: found.originServerTs };
      },
    ),
  ];
}
