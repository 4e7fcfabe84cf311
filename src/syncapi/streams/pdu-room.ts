// One room's part of the PDU stream: its timeline window, the state to go with it (Client-Server
// API, "Syncing": `state` is the state between `since` and the start of the timeline, or all of it
// up to the start for a full-state room) and the summary. Planned first from our indexes, then
// rendered for every room at once so that event bodies come from the room server in one batch.
import { EventType } from '../../protocol/constants.ts';
import { stateKeyOf } from '../../protocol/event.ts';
import type { MembershipRow } from '../storage/memberships.ts';
import { type EventRow, existsBetween } from '../storage/output-room-events.ts';
import { type EventFilter, TIMELINE_LIMIT_DEFAULT, TIMELINE_LIMIT_MAX, limitOf, matchesNothing } from '../sync/filter.ts';
import { filterSql } from '../sync/filter-sql.ts';
import { type StateEntry, type StateQuery, stateAt, stateBetween } from '../sync/room-state.ts';
import { type Summary, roomSummary } from '../sync/summary.ts';
import { fetchTimeline } from '../sync/timeline.ts';
import { formatSyncToken, formatTopoToken } from '../sync/token.ts';
import type { SyncRequest } from './types.ts';

export interface RoomSpec {
  roomId: string;
  section: 'join' | 'leave' | 'peek';
  /** The timeline window: lower < pos <= upper. */
  lower: number;
  upper: number;
  /** All state up to the timeline start, rather than what changed since `lower`. */
  fullState: boolean;
  /** Joined in this window: `limited` also when matching events precede the window. */
  newlyJoined: boolean;
}

export interface RoomPlan {
  spec: RoomSpec;
  history: readonly MembershipRow[];
  timeline: EventRow[];
  limited: boolean;
  prevBatch: string;
  state: StateEntry[];
  summary?: Summary;
}

/** State types to ask SQL for when the filter names exact types; undefined means "all". */
function exactTypes(f: EventFilter): string[] | undefined {
  if (!f.rawTypes || f.rawTypes.some((t) => t.includes('*'))) return undefined;
  return f.rawTypes;
}

export async function planRoom(req: SyncRequest, spec: RoomSpec): Promise<RoomPlan> {
  const { ctx, filter } = req;
  const history = await req.histories.of(spec.roomId);
  const tlFilter = filter.room.timeline;
  const limit = limitOf(tlFilter, TIMELINE_LIMIT_DEFAULT, TIMELINE_LIMIT_MAX);
  const tl = await fetchTimeline(ctx, {
    roomId: spec.roomId,
    lower: spec.lower,
    upper: spec.upper,
    limit,
    filter: tlFilter,
    userId: req.userId,
    history,
    ignored: req.ignored,
    showCurrentState: true,
  });
  let limited = tl.limited;
  const first = tl.rows[0];
  if (!limited && spec.newlyJoined && spec.lower > 0) {
    // A room new to the client has history before the window: it must paginate for it.
    const upTo = Math.min(spec.lower, first ? first.pos - 1 : spec.lower);
    limited = await existsBetween(ctx.db, spec.roomId, 0, upTo, (n) => filterSql(tlFilter, n, { ignored: req.ignored }));
  }
  const start = first ? first.pos - 1 : spec.upper;
  const point = req.useStateAfter ? spec.upper : start;
  const plan: RoomPlan = {
    spec,
    history,
    timeline: tl.rows,
    limited,
    prevBatch: first ? formatTopoToken({ depth: first.depth, pos: first.pos }) : formatSyncToken(req.to),
    state: [],
  };
  const wantsSummary =
    spec.section === 'join' &&
    (spec.fullState || spec.newlyJoined || tl.rows.some((r) => r.type === EventType.Member));
  if (wantsSummary) plan.summary = await roomSummary(ctx, spec.roomId, req.userId);
  await planState(req, plan, point);
  return plan;
}

async function planState(req: SyncRequest, plan: RoomPlan, point: number): Promise<void> {
  const { ctx } = req;
  const spec = plan.spec;
  const f = req.filter.room.state;
  if (matchesNothing(f)) return;
  const types = exactTypes(f);
  const lazy = f.lazyLoadMembers;
  let q: StateQuery = types ? { types } : {};
  if (lazy && spec.fullState) q = types ? { types: types.filter((t) => t !== EventType.Member) } : { exceptMembers: true };
  const entries = spec.fullState ? await stateAt(ctx, spec.roomId, point, q) : await stateBetween(ctx, spec.roomId, spec.lower, point, q);
  const have = new Set(entries.map((e) => stateKeyOf(e.type, e.stateKey)));
  if (lazy && (!f.types || f.types.matches(EventType.Member)) && !f.notTypes?.matches(EventType.Member)) {
    const wanted = new Set(plan.timeline.map((r) => r.sender));
    // The syncing user's own membership whenever the full state is sent (spec, /sync), and the
    // heroes' memberships so the client can name the room.
    if (spec.fullState) wanted.add(req.userId);
    for (const h of plan.summary?.['m.heroes'] ?? []) wanted.add(h);
    const timelineNids = new Set(plan.timeline.map((r) => r.nid));
    const members = await stateAt(ctx, spec.roomId, point, { members: [...wanted] });
    for (const m of members) {
      if (have.has(stateKeyOf(m.type, m.stateKey)) || timelineNids.has(m.nid)) continue;
      const redundant =
        !spec.fullState && !f.includeRedundantMembers && ctx.lazyMembers.isRedundant(req.userId, req.deviceId, spec.roomId, m.stateKey, m.nid);
      if (redundant) continue;
      entries.push(m);
    }
  }
  plan.state = entries.filter((e) => (!f.types || f.types.matches(e.type)) && !f.notTypes?.matches(e.type));
}
