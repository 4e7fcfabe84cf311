// Client-Server API, "Threading" (threads_list.yaml): a room's thread roots, latest activity
// first, each with its bundled m.thread aggregation (latest reply, reply count, whether the user
// took part). `include=participated` keeps threads the user started or replied in.
import { invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import { RelationType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { SyncapiContext } from '../context.ts';
import { selectByEventIds, selectByPositions, selectThreadRoots, selectThreadStats } from '../storage/output-room-events.ts';
import { historyAccess } from '../sync/history-access.ts';
import { canSee } from '../sync/visibility.ts';
import { parseLimit } from './message_pagination.ts';
import { renderRows } from './room-events.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function threadsListOps(ctx: SyncapiContext): Operation[] {
  return [
    // GET /_matrix/client/v1/rooms/{roomId}/threads
    op({ method: 'GET', path: '/rooms/:roomId/threads', access: 'user-or-guest' }, async function getThreadRoots({ params, query, requester }) {
      const roomId = params.roomId!;
      const userId = requester.userId;
      const include = query('include') ?? 'all';
      if (include !== 'all' && include !== 'participated') throw invalidParam('include must be all or participated');
      const limit = parseLimit(query('limit'), DEFAULT_LIMIT, MAX_LIMIT);
      const fromRaw = query('from');
      if (fromRaw !== undefined && !/^\d{1,16}$/.test(fromRaw)) throw invalidParam('Unknown pagination token');
      const history = await historyAccess(ctx, roomId, userId);
      const viewer = { userId, deviceId: requester.deviceId, history };

      const chunk: JsonObject[] = [];
      let before = fromRaw !== undefined ? Number(fromRaw) : Number.MAX_SAFE_INTEGER;
      let next: string | undefined;
      while (chunk.length < limit) {
        const roots = await selectThreadRoots(ctx.db, roomId, before, limit * 2);
        if (roots.length === 0) break;
        const rows = new Map((await selectByEventIds(ctx.db, roots.map((r) => r.root))).map((r) => [r.eventId, r]));
        const stats = await selectThreadStats(ctx.db, roomId, roots.map((r) => r.root), userId);
        const latest = new Map((await selectByPositions(ctx.db, [...stats.values()].map((s) => s.latest))).map((r) => [r.pos, r]));
        for (const { root, latest: latestPos } of roots) {
          before = latestPos;
          const row = rows.get(root);
          const s = stats.get(root);
          if (!row || !s || !canSee(userId, row, history)) continue;
          const participated = s.participated || row.sender === userId;
          if (include === 'participated' && !participated) continue;
          const reply = latest.get(s.latest);
          const [rootEv, replyEv] = (await renderRows(ctx, reply ? [row, reply] : [row], viewer)).events;
          if (!rootEv) continue;
          const unsigned = (rootEv.unsigned ??= {}) as JsonObject;
          unsigned['m.relations'] = {
            [RelationType.Thread]: { ...(replyEv ? { latest_event: replyEv } : {}), count: s.count, current_user_participated: participated },
          };
          chunk.push(rootEv);
          if (chunk.length === limit) {
            next = String(latestPos);
            break;
          }
        }
        if (roots.length < limit * 2) break;
      }
      return next !== undefined ? { chunk, next_batch: next } : { chunk };
    }),
  ];
}
