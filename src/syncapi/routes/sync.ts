// Client-Server API, "Syncing" (sync.yaml): GET /sync. The work is in sync/handler.ts; this
// reads the query parameters and marks the user present as `set_presence` asks.
import { invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { FilterLookup } from '../sync/filter-lookup.ts';
import type { SyncHandler } from '../sync/handler.ts';
import type { PresenceUpdates } from '../sync/presence-updates.ts';
import { parseSyncToken } from '../sync/token.ts';

/** Long-polls are capped so a proxy's idle timeout never cuts one off. */
const MAX_TIMEOUT_MS = 5 * 60_000;

const bool = (v: string | undefined, name: string): boolean => {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw invalidParam(`${name} must be true or false`);
};

export function syncOps(handler: SyncHandler, filters: FilterLookup, presence: PresenceUpdates): Operation[] {
  return [
    // GET /_matrix/client/v3/sync
    op({ method: 'GET', path: '/sync', access: 'user-or-guest' }, async function sync({ requester, c }) {
      // All parameters at once: a long-poll loop calls this many times a second.
      const q = c.req.query();
      const setPresence = q.set_presence;
      if (setPresence !== undefined && !['online', 'offline', 'unavailable'].includes(setPresence)) {
        throw invalidParam('set_presence must be online, offline or unavailable');
      }
      const timeout = q.timeout === undefined ? 0 : Number(q.timeout);
      if (!Number.isFinite(timeout) || timeout < 0) throw invalidParam('timeout must be a non-negative number');
      const filter = await filters.forSync(requester.userId, q.filter);
      await presence.fromSync(requester.userId, setPresence);
      return handler.sync({
        userId: requester.userId,
        deviceId: requester.deviceId,
        since: q.since ? parseSyncToken(q.since) : null,
        timeoutMs: Math.min(timeout, MAX_TIMEOUT_MS),
        fullState: bool(q.full_state, 'full_state'),
        useStateAfter: bool(q.use_state_after ?? q['org.matrix.msc4222.use_state_after'], 'use_state_after'),
        filter,
        signal: c.req.raw.signal,
      });
    }),
  ];
}
