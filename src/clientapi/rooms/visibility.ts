// Whether a user may see one event (history visibility module, "Server behaviour"), judged on the
// state of the room at that event:
//   1. world_readable: allow.  2. The user's membership was join: allow.
//   3. shared, and the user joined the room at any point after the event: allow.
//   4. invited, and the user's membership was invite: allow.  5. Otherwise deny.
// For m.room.history_visibility events and the user's own m.room.member events, the state before
// *or* after the event may allow it.
import { EventType, HistoryVisibility, Membership } from '../../protocol/constants.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { RoomsRoomserver } from '../context.ts';

type Rs = Pick<RoomsRoomserver, 'stateAfterEvent' | 'membership' | 'eventsById'>;

interface VisibilityState {
  historyVisibility: string;
  membership: string | undefined;
}

/** Rules 1–5 for one state of the room. */
export function visibleIn(state: VisibilityState, joinedLater: () => Promise<boolean> | boolean): Promise<boolean> | boolean {
  const hv = state.historyVisibility;
  if (hv === HistoryVisibility.WorldReadable) return true;
  if (state.membership === Membership.Join) return true;
  if (state.membership === Membership.Invite && hv === HistoryVisibility.Invited) return true;
  if (hv === HistoryVisibility.Shared) return joinedLater();
  return false;
}

/** The history visibility ("shared" when unset or not understood) and the user's membership. */
export function visibilityState(state: readonly StoredEvent[], userId: string): VisibilityState {
  let historyVisibility: string = HistoryVisibility.Shared;
  let membership: string | undefined;
  for (const e of state) {
    if (e.json.type === EventType.HistoryVisibility && e.json.state_key === '') {
      const hv = e.json.content.history_visibility;
      if (typeof hv === 'string' && (Object.values(HistoryVisibility) as string[]).includes(hv)) historyVisibility = hv;
    } else if (e.json.type === EventType.Member && e.json.state_key === userId) {
      const m = e.json.content.membership;
      membership = typeof m === 'string' ? m : undefined;
    }
  }
  return { historyVisibility, membership };
}

const prevEventId = (e: StoredEvent): string | undefined => {
  const first = e.json.prev_events[0];
  return typeof first === 'string' ? first : first?.[0];
};

async function stateAround(rs: Rs, eventId: string | undefined, userId: string): Promise<VisibilityState | undefined> {
  if (eventId === undefined) return undefined;
  const state = await rs.stateAfterEvent(eventId, { types: [EventType.HistoryVisibility, EventType.Member] });
  return state ? visibilityState(state, userId) : undefined;
}

/**
 * Rule 3's "joined the room at any point after the event": joined now, or the user's latest
 * membership event came after `event` and ended a join (the state before it had them joined).
 */
async function joinedAfter(rs: Rs, event: StoredEvent, userId: string): Promise<boolean> {
  const now = await rs.membership(event.roomId, userId);
  if (!now) return false;
  if (now.membership === Membership.Join) return true;
  if (now.nid <= event.nid) return false;
  const [latest] = await rs.eventsById([now.eventId]);
  const before = latest && (await stateAround(rs, prevEventId(latest), userId));
  return before?.membership === Membership.Join;
}

export async function canSeeEvent(rs: Rs, userId: string, event: StoredEvent): Promise<boolean> {
  const later = () => joinedAfter(rs, event, userId);
  const after = await stateAround(rs, event.eventId, userId);
  if (after && (await visibleIn(after, later))) return true;
  const j = event.json;
  const dual = j.state_key !== undefined && (j.type === EventType.HistoryVisibility || (j.type === EventType.Member && j.state_key === userId));
  if (!dual) return false;
  const before = await stateAround(rs, prevEventId(event), userId);
  return before !== undefined && (await visibleIn(before, later));
}
