// A room's state at a stream position, and what changed between two positions, from our own
// current-state index and state deltas: the state at P is the current state with every delta
// after P undone. When a room has had too many changes since P (an old left room), the state
// comes from the room server's snapshot after the last event at or before P instead.
import { stateKeyOf as keyOf } from '../../protocol/event.ts';
import type { SyncapiContext } from '../context.ts';
import { selectState, selectStateKeys } from '../storage/current-room-state.ts';
import { selectLastAtOrBefore } from '../storage/output-room-events.ts';
import { type DeltaQuery, selectDeltas } from '../storage/state-deltas.ts';

export interface StateEntry {
  type: string;
  stateKey: string;
  nid: number;
}

const MAX_DELTAS = 5_000;
const END = Number.MAX_SAFE_INTEGER;

export interface StateQuery {
  /** Only these (non-wildcard) types; all when absent. */
  types?: string[];
  /** Only the m.room.member events of these users (overrides `types`). */
  members?: string[];
  /** Everything but m.room.member events (lazy-loading members). */
  exceptMembers?: boolean;
}

function deltaQuery(q: StateQuery): DeltaQuery {
  if (q.members) return { types: ['m.room.member'], stateKeys: q.members };
  if (q.types) return { types: q.types };
  return q.exceptMembers ? { exceptType: 'm.room.member' } : {};
}

/** The room's state at stream position `pos` (after the event at `pos`, if any). */
export async function stateAt(ctx: SyncapiContext, roomId: string, pos: number, q: StateQuery = {}): Promise<StateEntry[]> {
  // Current state first, deltas second: a delta committed in between is then undone onto a
  // current state that never had it, which is harmless; the other order could keep it.
  const current = q.members
    ? await selectStateKeys(ctx.db, roomId, 'm.room.member', q.members)
    : await selectState(ctx.db, roomId, q.types, q.exceptMembers ? 'm.room.member' : undefined);
  const deltas = await selectDeltas(ctx.db, roomId, pos, END, MAX_DELTAS, deltaQuery(q));
  if (deltas.length === MAX_DELTAS) return fromRoomserver(ctx, roomId, pos, q);
  const state = new Map<string, StateEntry>();
  for (const s of current) state.set(keyOf(s.type, s.stateKey), { type: s.type, stateKey: s.stateKey, nid: s.nid });
  const undone = new Set<string>();
  for (const d of deltas) {
    const k = keyOf(d.type, d.stateKey);
    if (undone.has(k)) continue;
    undone.add(k);
    if (d.oldNid === null) state.delete(k);
    else state.set(k, { type: d.type, stateKey: d.stateKey, nid: d.oldNid });
  }
  return [...state.values()];
}

/** State entries whose value at `upper` differs from `lower` (lower < changes <= upper). */
export async function stateBetween(
  ctx: SyncapiContext,
  roomId: string,
  lower: number,
  upper: number,
  q: StateQuery = {},
): Promise<StateEntry[]> {
  if (upper <= lower) return [];
  const deltas = await selectDeltas(ctx.db, roomId, lower, upper, MAX_DELTAS, deltaQuery(q));
  if (deltas.length === MAX_DELTAS) {
    // Too much changed to replay: compare the two states whole.
    const before = new Map((await stateAt(ctx, roomId, lower, q)).map((s) => [keyOf(s.type, s.stateKey), s.nid]));
    return (await stateAt(ctx, roomId, upper, q)).filter((s) => before.get(keyOf(s.type, s.stateKey)) !== s.nid);
  }
  const first = new Map<string, number | null>();
  const last = new Map<string, StateEntry | null>();
  for (const d of deltas) {
    const k = keyOf(d.type, d.stateKey);
    if (!first.has(k)) first.set(k, d.oldNid);
    last.set(k, d.newNid === null ? null : { type: d.type, stateKey: d.stateKey, nid: d.newNid });
  }
  const out: StateEntry[] = [];
  for (const [k, entry] of last) if (entry && entry.nid !== first.get(k)) out.push(entry);
  return out;
}

async function fromRoomserver(ctx: SyncapiContext, roomId: string, pos: number, q: StateQuery): Promise<StateEntry[]> {
  const last = await selectLastAtOrBefore(ctx.db, roomId, pos);
  if (!last) return [];
  const types = q.members ? ['m.room.member'] : q.types;
  const events = (await ctx.roomserver.stateAfterEvent(last.eventId, types ? { types } : undefined)) ?? [];
  const members = q.members ? new Set(q.members) : undefined;
  const out: StateEntry[] = [];
  for (const ev of events) {
    const stateKey = ev.json.state_key ?? '';
    if (members && !members.has(stateKey)) continue;
    if (q.exceptMembers && ev.json.type === 'm.room.member') continue;
    ctx.events.put(ev);
    out.push({ type: ev.json.type, stateKey, nid: ev.nid });
  }
  return out;
}
