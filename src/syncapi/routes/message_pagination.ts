// Client-Server API, "Pagination" (message_pagination.yaml): GET /rooms/{roomId}/messages.
// Tokens are `t<depth>_<pos>` points in the room's topological order; `prev_batch` from /sync and
// `next_batch` sync tokens are accepted too. History visibility applies to every event.
import { invalidParam, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { SyncapiContext } from '../context.ts';
import { roomEventFilterParam } from '../sync/filter-lookup.ts';
import { historyAccess } from '../sync/history-access.ts';
import { END_OF_ROOM, START_OF_ROOM, paginate, topoPoint } from '../sync/paginate.ts';
import { formatTopoToken, parseRoomToken } from '../sync/token.ts';
import { renderRows, senderMembers } from './room-events.ts';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

export function parseLimit(raw: string | undefined, dflt: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidParam('limit must be a non-negative integer');
  return Math.min(n, max);
}

export function messagePaginationOps(ctx: SyncapiContext): Operation[] {
  return [
    // GET /_matrix/client/v3/rooms/{roomId}/messages
    op({ method: 'GET', path: '/rooms/:roomId/messages', access: 'user-or-guest' }, async function getRoomEvents({ params, query, requester }) {
      const roomId = params.roomId!;
      const dir = query('dir');
      if (dir === undefined) throw missingParam('dir is required');
      if (dir !== 'b' && dir !== 'f') throw invalidParam('dir must be b or f');
      const limit = parseLimit(query('limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const filter = roomEventFilterParam(query('filter'));
      const history = await historyAccess(ctx, roomId, requester.userId);
      const fromRaw = query('from');
      const toRaw = query('to');
      const from = fromRaw ? await topoPoint(ctx, roomId, parseRoomToken(fromRaw)) : dir === 'b' ? END_OF_ROOM : START_OF_ROOM;
      const to = toRaw ? await topoPoint(ctx, roomId, parseRoomToken(toRaw)) : undefined;
      const ignored = await ctx.ignored.of(requester.userId);
      const page = await paginate(ctx, { roomId, userId: requester.userId, history, dir, from, to, limit, filter, ignored });
      const { events } = await renderRows(ctx, page.rows, { userId: requester.userId, deviceId: requester.deviceId, history });
      const out: Record<string, unknown> = { chunk: events, start: fromRaw ?? formatTopoToken(from) };
      const last = page.rows[page.rows.length - 1];
      // Backwards, `end` only while more may come; forwards, new events may always arrive.
      if (last && (dir === 'f' || page.full)) {
        out.end = formatTopoToken(dir === 'b' ? { depth: last.depth, pos: last.pos } : { depth: last.depth, pos: last.pos + 1 });
      }
      if (filter.lazyLoadMembers) out.state = await senderMembers(ctx, roomId, page.rows);
      return out;
    }),
  ];
}
