// The PDU (timeline) stream: rooms.join, rooms.leave and rooms.knock (Client-Server API,
// "Syncing"). Which rooms go where comes from the user's membership history as of `since` and
// `to`: joined rooms with new events, rooms joined in the window (full state), rooms left in the
// window (up to the leave), all joined rooms and, with include_leave, left rooms in an initial
// sync. Invites have their own stream (streams/invites.ts).
import { Membership } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { MembershipRow } from '../storage/memberships.ts';
import { roomAllowed } from '../sync/filter.ts';
import { strippedState } from '../sync/stripped-state.ts';
import { membershipRowAt } from '../sync/visibility.ts';
import { type RoomPlan, type RoomSpec, planRoom } from './pdu-room.ts';
import { renderRooms } from './pdu-render.ts';
import type { SyncRequest, SyncStream } from './types.ts';

/** Rooms planned side by side (PostgreSQL pipelines them over its pool). */
const PARALLEL = 8;

export class PduStream implements SyncStream {
  readonly key = 'pdu' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    await req.histories.loadAll();
    const specs: RoomSpec[] = [];
    const knocks: MembershipRow[] = [];
    for (const [roomId, rows] of req.histories.entries()) {
      if (!roomAllowed(req.filter, roomId)) continue;
      const spec = this.roomSpec(req, roomId, rows, from, to, knocks);
      if (spec) specs.push(spec);
    }
    specs.push(...this.peekSpecs(req, from, to));
    const plans: RoomPlan[] = [];
    for (let i = 0; i < specs.length; i += PARALLEL) {
      plans.push(...(await Promise.all(specs.slice(i, i + PARALLEL).map((s) => planRoom(req, s)))));
    }
    await renderRooms(req, plans);
    for (const k of knocks) await this.addKnock(req, k);
    return to;
  }

  private roomSpec(
    req: SyncRequest,
    roomId: string,
    rows: MembershipRow[],
    from: number,
    to: number,
    knocks: MembershipRow[],
  ): RoomSpec | undefined {
    const atTo = membershipRowAt(rows, to);
    if (!atTo) return undefined;
    const inWindow = rows.filter((r) => r.pos > from && r.pos <= to);
    const initial = req.since === null;
    const atFrom = initial ? undefined : membershipRowAt(rows, from)?.membership;
    switch (atTo.membership) {
      case Membership.Join: {
        req.joinedRooms.add(roomId);
        // Joined in this window, or left and came back: the client has no state for it.
        const newly = initial || atFrom !== Membership.Join || inWindow.some((r) => r.membership !== Membership.Join);
        if (newly) req.newlyJoinedRooms.add(roomId);
        if (initial || req.fullState || newly) {
          return { roomId, section: 'join', lower: from, upper: to, fullState: true, newlyJoined: newly };
        }
        // The notifier knows each room's latest position: a quiet room costs no query.
        if (req.ctx.notifier.roomPosition(roomId) <= from) return undefined;
        return { roomId, section: 'join', lower: from, upper: to, fullState: false, newlyJoined: false };
      }
      case Membership.Leave:
      case Membership.Ban: {
        if (initial) {
          if (!req.filter.room.includeLeave) return undefined;
          return { roomId, section: 'leave', lower: 0, upper: atTo.pos, fullState: true, newlyJoined: false };
        }
        // Only rooms left in this window; a room left earlier stays out (SyTest 31sync/09archived.pl).
        if (inWindow.length === 0) return undefined;
        const wasJoined = atFrom === Membership.Join;
        return { roomId, section: 'leave', lower: from, upper: atTo.pos, fullState: !wasJoined || req.fullState, newlyJoined: !wasJoined };
      }
      case Membership.Knock:
        if (initial || inWindow.length > 0) knocks.push(atTo);
        return undefined;
      default:
        return undefined;
    }
  }

  /** MSC2753: the device's peeked rooms, whole when the peek is new, else what happened since. */
  private peekSpecs(req: SyncRequest, from: number, to: number): RoomSpec[] {
    const out: RoomSpec[] = [];
    for (const [roomId, since] of req.ctx.peeks.of(req.userId, req.deviceId)) {
      if (req.joinedRooms.has(roomId) || !roomAllowed(req.filter, roomId)) continue;
      const fresh = req.since === null || since > from;
      if (fresh) out.push({ roomId, section: 'peek', lower: 0, upper: to, fullState: true, newlyJoined: true });
      else if (req.ctx.notifier.roomPosition(roomId) > from) out.push({ roomId, section: 'peek', lower: from, upper: to, fullState: false, newlyJoined: false });
    }
    return out;
  }

  private async addKnock(req: SyncRequest, row: MembershipRow): Promise<void> {
    const own = await req.ctx.events.byNid(row.nid);
    if (!own) return;
    const events: JsonObject[] = await strippedState(req.ctx, own, row.pos, 'knock_room_state');
    req.response.rooms.knock[row.roomId] = { knock_state: { events } };
  }
}
