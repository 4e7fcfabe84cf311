// History visibility (Client-Server API, "Room History Visibility", "Server behaviour"):
// whether a user may see an event, from our own indexes only: the visibility in force for the
// event (kept per event at consumption) and the user's membership history in the room.
//
//   1. world_readable at the event: allow.
//   2. the user's membership at the event (the state before it) is join: allow.
//   3. shared, and the user joined the room at some point after the event: allow.
//   4. invited, and the user's membership at the event is invite: allow.
//   5. otherwise deny.
// A user's own m.room.member event is judged on the membership before or after it; for
// m.room.history_visibility events the more open of the two settings was stored at consumption.
import { EventType, HistoryVisibility, Membership } from '../../protocol/constants.ts';
import type { Queryable } from '../../storage/types.ts';
import { type MembershipRow, selectHistory, selectUserChanges } from '../storage/memberships.ts';
import type { HistoryCache } from './history-cache.ts';
import type { EventRow } from '../storage/output-room-events.ts';

/** Openness order, to keep the more open of two settings. */
const RANK: Record<string, number> = {
  [HistoryVisibility.Joined]: 0,
  [HistoryVisibility.Invited]: 1,
  [HistoryVisibility.Shared]: 2,
  [HistoryVisibility.WorldReadable]: 3,
};

/** Unknown or missing values count as shared (spec: "assumed to be shared"). */
export function normaliseVisibility(v: unknown): string {
  return typeof v === 'string' && v in RANK ? v : HistoryVisibility.Shared;
}

export function moreOpen(a: string, b: string): string {
  return RANK[normaliseVisibility(a)]! >= RANK[normaliseVisibility(b)]! ? normaliseVisibility(a) : normaliseVisibility(b);
}

/** The user's membership just before stream position `pos` ('leave' when never a member). */
export function membershipBefore(history: readonly MembershipRow[], pos: number): string {
  let m: string = Membership.Leave;
  for (const row of history) {
    if (row.pos >= pos) break;
    m = row.membership;
  }
  return m;
}

function joinedAfter(history: readonly MembershipRow[], pos: number): boolean {
  return history.some((r) => r.pos > pos && r.membership === Membership.Join);
}

function allows(visibility: string, membership: string, history: readonly MembershipRow[], pos: number): boolean {
  if (membership === Membership.Join) return true;
  if (visibility === HistoryVisibility.Shared && joinedAfter(history, pos)) return true;
  return visibility === HistoryVisibility.Invited && membership === Membership.Invite;
}

/** The user's latest membership row at or before `pos`, if any. */
export function membershipRowAt(history: readonly MembershipRow[], pos: number): MembershipRow | undefined {
  let found: MembershipRow | undefined;
  for (const row of history) {
    if (row.pos > pos) break;
    found = row;
  }
  return found;
}

/** Whether `userId`, with this membership history in the event's room, may see the event. */
export function canSee(userId: string, ev: EventRow, history: readonly MembershipRow[]): boolean {
  const visibility = normaliseVisibility(ev.historyVisibility);
  if (visibility === HistoryVisibility.WorldReadable) return true;
  const before = membershipBefore(history, ev.pos);
  if (ev.type === EventType.Member && ev.stateKey === userId) {
    const after = history.find((r) => r.pos === ev.pos)?.membership ?? before;
    // NOTSPEC: a user always sees their own leave and ban, as Synapse does, so that a client
    // sees a room disappear when an invite is rejected in a `joined` room (SyTest riot-web/3462).
    if (after === Membership.Leave || after === Membership.Ban) return true;
    return allows(visibility, before, history, ev.pos) || allows(visibility, after, history, ev.pos);
  }
  return allows(visibility, before, history, ev.pos);
}

/** A user's membership histories, loaded once per request and shared by its rooms. */
export class Histories {
  private cache = new Map<string, MembershipRow[]>();
  private loadedAll = false;
  constructor(
    private readonly db: Queryable,
    readonly userId: string,
    /** Shared between requests (the rows are never modified). */
    private readonly shared?: HistoryCache,
  ) {}

  /** Loads every room of the user at once (a /sync touches most of them). */
  async loadAll(): Promise<void> {
    if (this.loadedAll) return;
    const known = this.shared?.get(this.userId);
    if (known) {
      this.cache = known;
      this.loadedAll = true;
      return;
    }
    const version = this.shared?.version(this.userId) ?? 0;
    const all = new Map<string, MembershipRow[]>();
    for (const row of await selectUserChanges(this.db, this.userId, 0, Number.MAX_SAFE_INTEGER)) {
      let list = all.get(row.roomId);
      if (!list) all.set(row.roomId, (list = []));
      list.push(row);
    }
    this.shared?.set(this.userId, all, version);
    this.cache = all;
    this.loadedAll = true;
  }

  /** Every room of the user with its history (after loadAll). */
  entries(): IterableIterator<[string, MembershipRow[]]> {
    return this.cache.entries();
  }

  async of(roomId: string): Promise<MembershipRow[]> {
    const known = this.cache.get(roomId);
    if (known) return known;
    if (this.loadedAll) return [];
    const rows = await selectHistory(this.db, roomId, this.userId);
    this.cache.set(roomId, rows);
    return rows;
  }
}
