// Walking the room's DAG backwards from some events (Server-Server API, "Backfilling and
// retrieving missing events"): /backfill gives the events themselves and what came before them,
// newest first; /get_missing_events the events before `latest_events` down to (not including)
// `earliest_events`, oldest first. Both are bounded by `limit`; one batched room server call per
// step of the walk.
import type { StoredEvent } from '../../roomserver/api.ts';
import type { FederationRoomserver } from '../context.ts';

const refId = (r: string | [string, unknown]): string => (typeof r === 'string' ? r : r[0]);

interface WalkOptions {
  /** Events the walk starts from. */
  from: readonly string[];
  /** Whether the starting events are part of the answer. */
  includeFrom: boolean;
  /** Events the walk must not enter (nor go past). */
  stopAt: ReadonlySet<string>;
  limit: number;
  minDepth: number;
  roomId: string;
}

/** Events found walking prev_events, deepest first, at most `limit`. */
export async function walkBack(roomserver: Pick<FederationRoomserver, 'eventsById'>, o: WalkOptions): Promise<StoredEvent[]> {
  const seen = new Set<string>(o.from);
  const found: StoredEvent[] = [];
  // The frontier, kept sorted by depth: the deepest event is taken next, so the answer is the
  // most recent history when the limit cuts it.
  let frontier = (await roomserver.eventsById([...o.from])).filter((e) => e.roomId === o.roomId);
  if (o.includeFrom) {
    found.push(...frontier.sort((a, b) => b.json.depth - a.json.depth).slice(0, o.limit));
    if (found.length >= o.limit) return found;
  }
  while (frontier.length > 0 && found.length < o.limit) {
    const next: string[] = [];
    for (const e of frontier) {
      for (const r of e.json.prev_events ?? []) {
        const id = refId(r);
        if (seen.has(id) || o.stopAt.has(id)) continue;
        seen.add(id);
        next.push(id);
      }
    }
    if (next.length === 0) break;
    const loaded = (await roomserver.eventsById(next)).filter((e) => e.roomId === o.roomId && e.json.depth >= o.minDepth);
    loaded.sort((a, b) => b.json.depth - a.json.depth);
    const room = o.limit - found.length;
    found.push(...loaded.slice(0, room));
    frontier = loaded.slice(0, room);
  }
  return found;
}
