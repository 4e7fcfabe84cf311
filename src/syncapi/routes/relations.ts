// Client-Server API, "Relationships" (relations.yaml): the events relating to a parent, newest
// first by default, optionally of one rel_type and event type, optionally following relations of
// relations (`recurse`, up to RECURSION_DEPTH levels). The parent must be visible to the user.
import { invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { SyncapiContext } from '../context.ts';
import { type EventRow, selectByEventId, selectChildren } from '../storage/output-room-events.ts';
import { historyAccess } from '../sync/history-access.ts';
import { topoPoint } from '../sync/paginate.ts';
import { formatTopoToken, parseRoomToken } from '../sync/token.ts';
import { canSee } from '../sync/visibility.ts';
import { parseLimit } from './message_pagination.ts';
import { renderRows } from './room-events.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const RECURSION_DEPTH = 3;

export function relationsOps(ctx: SyncapiContext): Operation[] {
  const handler = async function getRelatingEvents({ params, query, requester }: Parameters<Parameters<typeof op>[1]>[0]) {
    const { roomId, eventId, relType, eventType } = params as Record<string, string | undefined> & { roomId: string; eventId: string };
    const userId = requester!.userId;
    const history = await historyAccess(ctx, roomId, userId);
    const parent = await selectByEventId(ctx.db, eventId);
    if (!parent || parent.roomId !== roomId || !canSee(userId, parent, history)) throw notFound('Event not found.');
    const dir = query('dir') ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalidParam('dir must be b or f');
    const limit = parseLimit(query('limit'), DEFAULT_LIMIT, MAX_LIMIT);
    const recurse = query('recurse') === 'true' || query('org.matrix.msc3981.recurse') === 'true';
    const fromRaw = query('from');
    const toRaw = query('to');
    const from = fromRaw ? await topoPoint(ctx, roomId, parseRoomToken(fromRaw)) : undefined;
    const to = toRaw ? await topoPoint(ctx, roomId, parseRoomToken(toRaw)) : undefined;

    const found: EventRow[] = [];
    let parents = [eventId];
    for (let level = 0; level < (recurse ? RECURSION_DEPTH : 1) && parents.length > 0; level++) {
      const rows = await selectChildren(ctx.db, roomId, parents, { relType, eventType, dir, from, to, limit: limit + 1 });
      found.push(...rows);
      parents = rows.map((r) => r.eventId);
    }
    const sign = dir === 'b' ? -1 : 1;
    found.sort((a, b) => sign * (a.depth - b.depth || a.pos - b.pos));
    const visible = found.filter((r) => canSee(userId, r, history));
    const page = visible.slice(0, limit);
    const { events } = await renderRows(ctx, page, { userId, deviceId: requester!.deviceId, history });
    const out: Record<string, unknown> = { chunk: events };
    const last = page[page.length - 1];
    if (visible.length > limit && last) {
      out.next_batch = formatTopoToken(dir === 'b' ? { depth: last.depth, pos: last.pos } : { depth: last.depth, pos: last.pos + 1 });
    }
    if (fromRaw) out.prev_batch = fromRaw;
    if (recurse) out.recursion_depth = RECURSION_DEPTH;
    return out;
  };
  return [
    // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}
    op({ method: 'GET', path: '/rooms/:roomId/relations/:eventId', access: 'user-or-guest' }, handler),
    // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}
    op({ method: 'GET', path: '/rooms/:roomId/relations/:eventId/:relType', access: 'user-or-guest' }, handler),
    // GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}
    op({ method: 'GET', path: '/rooms/:roomId/relations/:eventId/:relType/:eventType', access: 'user-or-guest' }, handler),
  ];
}
