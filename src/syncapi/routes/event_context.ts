// Client-Server API, "Event context" (event_context.yaml): an event with up to `limit` events
// around it (half before, the rest after), tokens to paginate on either side, and the room state
// at the last event returned (only the senders' memberships with lazy_load_members).
import { notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { SyncapiContext } from '../context.ts';
import { selectByEventId } from '../storage/output-room-events.ts';
import { roomEventFilterParam } from '../sync/filter-lookup.ts';
import { formatEvent } from '../sync/format.ts';
import { historyAccess } from '../sync/history-access.ts';
import { paginate } from '../sync/paginate.ts';
import { stateAt } from '../sync/room-state.ts';
import { formatTopoToken } from '../sync/token.ts';
import { canSee } from '../sync/visibility.ts';
import { parseLimit } from './message_pagination.ts';
import { renderRows, senderMembers } from './room-events.ts';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

export function eventContextOps(ctx: SyncapiContext): Operation[] {
  return [
    // GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}
    op({ method: 'GET', path: '/rooms/:roomId/context/:eventId', access: 'user-or-guest' }, async function getEventContext({ params, query, requester }) {
      const { roomId, eventId } = params as { roomId: string; eventId: string };
      const userId = requester.userId;
      const history = await historyAccess(ctx, roomId, userId);
      const row = await selectByEventId(ctx.db, eventId);
      if (!row || row.roomId !== roomId || !canSee(userId, row, history)) throw notFound('Event not found.');
      const limit = parseLimit(query('limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const filter = roomEventFilterParam(query('filter'));
      const ignored = await ctx.ignored.of(userId);
      const common = { roomId, userId, history, filter, ignored };
      const beforeLimit = Math.floor(limit / 2);
      const before = await paginate(ctx, { ...common, dir: 'b', from: { depth: row.depth, pos: row.pos }, limit: beforeLimit });
      const after = await paginate(ctx, { ...common, dir: 'f', from: { depth: row.depth, pos: row.pos + 1 }, limit: limit - beforeLimit });
      const viewer = { userId, deviceId: requester.deviceId, history };
      const rendered = await renderRows(ctx, [row, ...before.rows, ...after.rows], viewer);
      const [event, ...rest] = rendered.events;
      const oldest = before.rows[before.rows.length - 1] ?? row;
      const newest = after.rows[after.rows.length - 1] ?? row;
      let state: JsonObject[];
      if (filter.lazyLoadMembers) state = await senderMembers(ctx, roomId, [row, ...before.rows, ...after.rows]);
      else {
        const entries = await stateAt(ctx, roomId, newest.pos);
        const bodies = await ctx.events.byNids(entries.map((e) => e.nid));
        const now = ctx.now();
        state = entries.flatMap((e) => {
          const ev = bodies.get(e.nid);
          return ev ? [formatEvent(ev, { format: 'client', withRoomId: true, now })] : [];
        });
      }
      return {
        event,
        events_before: rest.slice(0, before.rows.length),
        events_after: rest.slice(before.rows.length),
        start: formatTopoToken({ depth: oldest.depth, pos: oldest.pos }),
        end: formatTopoToken({ depth: newest.depth, pos: newest.pos + 1 }),
        state,
      };
    }),
  ];
}
