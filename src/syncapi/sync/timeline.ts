// The last N events of a room window that the user may see and the filter lets through
// (Client-Server API, "Syncing": timeline, `limited`). Filters run in SQL; history visibility
// runs here on the fetched rows, fetching further back while too few are visible.
import { selectCurrentNids } from '../storage/current-room-state.ts';
import type { MembershipRow } from '../storage/memberships.ts';
import { type EventRow, selectRecent } from '../storage/output-room-events.ts';
import type { SyncapiContext } from '../context.ts';
import { type EventFilter, eventMatches } from './filter.ts';
import { filterSql } from './filter-sql.ts';
import { canSee } from './visibility.ts';

export interface TimelineWindow {
  roomId: string;
  /** Exclusive lower bound (a `since` position, or 0). */
  lower: number;
  /** Inclusive upper bound. */
  upper: number;
  limit: number;
  filter: EventFilter;
  userId: string;
  history: readonly MembershipRow[];
  ignored: Set<string>;
  /**
   * Show state events that are part of the room's current state even where history visibility
   * hides them, as Synapse does for /sync, so a client's idea of the current state is never
   * missing a member that joined while it could not look (SyTest 31sync/06state.pl "Current
   * state appears in timeline in private history").
   */
  showCurrentState: boolean;
}

export interface Timeline {
  /** Oldest first. */
  rows: EventRow[];
  /** More visible matching events exist before rows[0] in the window. */
  limited: boolean;
}

export async function fetchTimeline(ctx: SyncapiContext, w: TimelineWindow): Promise<Timeline> {
  const found: EventRow[] = [];
  const batch = Math.min(Math.max(w.limit + 1, 20), 500);
  const build = (first: number) => filterSql(w.filter, first, { ignored: w.ignored });
  // A window the in-memory buffer holds whole needs no query (the usual woken long-poll).
  const held = ctx.recent.window(w.roomId, w.lower, w.upper);
  let cursor = w.upper;
  while (found.length <= w.limit) {
    const rows = held ? held.filter((r) => matchesWindowFilter(w, r)) : await selectRecent(ctx.db, w.roomId, w.lower, cursor, batch, build);
    const hidden = rows.filter((r) => !canSee(w.userId, r, w.history));
    const current =
      w.showCurrentState && hidden.some((r) => r.stateKey !== null)
        ? await selectCurrentNids(ctx.db, w.roomId, hidden.filter((r) => r.stateKey !== null).map((r) => r.nid))
        : new Set<number>();
    const hiddenSet = new Set(hidden);
    for (const r of rows) {
      if (hiddenSet.has(r) && !current.has(r.nid)) continue;
      found.push(r);
      if (found.length > w.limit) break;
    }
    if (held || rows.length < batch) break;
    cursor = rows[rows.length - 1]!.pos - 1;
  }
  const limited = found.length > w.limit;
  return { rows: found.slice(0, w.limit).reverse(), limited };
}

/** filterSql's conditions, on a row in memory. */
function matchesWindowFilter(w: TimelineWindow, r: EventRow): boolean {
  if (r.stateKey === null && w.ignored.has(r.sender)) return false;
  return eventMatches(w.filter, { type: r.type, sender: r.sender, containsUrl: r.containsUrl });
}
