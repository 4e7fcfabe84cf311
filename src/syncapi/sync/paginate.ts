// Walks one room's history in topological order (depth, stream position), keeping the events
// the user may see, until `limit` are found or the history (or the `to` bound) runs out. Shared
// by /messages and /context (Client-Server API, "Pagination").
import type { SyncapiContext } from '../context.ts';
import type { MembershipRow } from '../storage/memberships.ts';
import { type EventRow, selectLastAtOrBefore, selectTopological } from '../storage/output-room-events.ts';
import type { EventFilter } from './filter.ts';
import { filterSql } from './filter-sql.ts';
import type { RoomToken, TopoToken } from './token.ts';
import { canSee } from './visibility.ts';

export interface Page {
  rows: EventRow[];
  /** The walk stopped at `limit`, so more may follow. */
  full: boolean;
}

export async function paginate(
  ctx: SyncapiContext,
  opts: {
    roomId: string;
    userId: string;
    history: readonly MembershipRow[];
    dir: 'b' | 'f';
    from: TopoToken;
    to?: TopoToken;
    limit: number;
    filter: EventFilter;
    ignored: Set<string>;
  },
): Promise<Page> {
  const rows: EventRow[] = [];
  const batch = Math.min(Math.max(opts.limit * 2, 20), 500);
  let cursor = opts.from;
  const build = (first: number) => filterSql(opts.filter, first, { ignored: opts.ignored });
  while (rows.length < opts.limit) {
    const page = await selectTopological(ctx.db, opts.roomId, opts.dir, cursor, opts.to, batch, build);
    for (const r of page) {
      if (!canSee(opts.userId, r, opts.history)) continue;
      rows.push(r);
      if (rows.length === opts.limit) return { rows, full: true };
    }
    if (page.length < batch) break;
    const last = page[page.length - 1]!;
    cursor = opts.dir === 'b' ? { depth: last.depth, pos: last.pos } : { depth: last.depth, pos: last.pos + 1 };
  }
  return { rows, full: false };
}

/**
 * A `from`/`to` token as a point in the room's topological order. A sync token names the point
 * after the room's last event at or before its PDU position.
 */
export async function topoPoint(ctx: SyncapiContext, roomId: string, token: RoomToken): Promise<TopoToken> {
  if (token.kind === 'topo') return token.topo;
  const last = await selectLastAtOrBefore(ctx.db, roomId, token.pdu);
  return last ? { depth: last.depth, pos: last.pos + 1 } : { depth: 0, pos: 0 };
}

/** The point after everything (the default `from` of a backwards walk). */
export const END_OF_ROOM: TopoToken = { depth: Number.MAX_SAFE_INTEGER, pos: Number.MAX_SAFE_INTEGER };
export const START_OF_ROOM: TopoToken = { depth: 0, pos: 0 };
