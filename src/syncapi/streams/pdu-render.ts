// Renders planned rooms into the response: one batch of event bodies for every room, then the
// client format with what the server adds to `unsigned` (transaction_id for the sending device,
// prev_content of replaced state, redacted_because, the user's membership at the event).
import type { JsonObject } from '../../protocol/event.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { EventRow } from '../storage/output-room-events.ts';
import { eventMatches } from '../sync/filter.ts';
import { type FormatOptions, formatEvent } from '../sync/format.ts';
import { membershipBefore } from '../sync/visibility.ts';
import type { RoomPlan } from './pdu-room.ts';
import { type SyncRequest, joinedRoom } from './types.ts';

export function formatOptions(req: SyncRequest, withRoomId = false): FormatOptions {
  return { format: req.filter.eventFormat, withRoomId, now: req.now, eventFields: req.filter.eventFields };
}

/** Bodies of the redaction events that pruned any of `events`, formatted for unsigned. */
export async function redactionsOf(req: SyncRequest, events: Iterable<StoredEvent>, opts: FormatOptions): Promise<Map<string, JsonObject>> {
  const ids = new Set<string>();
  for (const ev of events) if (ev.redactedBecause) ids.add(ev.redactedBecause);
  const out = new Map<string, JsonObject>();
  if (ids.size === 0) return out;
  for (const r of await req.ctx.roomserver.eventsById([...ids])) out.set(r.eventId, formatEvent(r, { ...opts, eventFields: undefined }));
  return out;
}

/** Formats one timeline or state event of `plan` with everything `unsigned` should carry. */
export function renderEvent(
  req: SyncRequest,
  ev: StoredEvent,
  row: EventRow | undefined,
  history: RoomPlan['history'],
  bodies: Map<number, StoredEvent>,
  redactions: Map<string, JsonObject>,
  opts: FormatOptions,
): JsonObject {
  const prev = row?.replacesNid != null ? bodies.get(row.replacesNid) : undefined;
  return formatEvent(ev, opts, {
    transactionId: row && row.txnDeviceId === req.deviceId && row.sender === req.userId ? (row.txnId ?? undefined) : undefined,
    prevContent: prev?.json.content,
    prevSender: prev?.json.sender,
    replacesState: prev?.eventId,
    redactedBecause: ev.redactedBecause ? redactions.get(ev.redactedBecause) : undefined,
    membership: row ? membershipBefore(history, row.pos) : undefined,
  });
}

export async function renderRooms(req: SyncRequest, plans: RoomPlan[]): Promise<void> {
  const { ctx } = req;
  const nids = new Set<number>();
  for (const p of plans) {
    for (const r of p.timeline) {
      nids.add(r.nid);
      if (r.replacesNid !== null) nids.add(r.replacesNid);
    }
    for (const s of p.state) nids.add(s.nid);
  }
  const bodies = await ctx.events.byNids(nids);
  const opts = formatOptions(req);
  const redactions = await redactionsOf(req, bodies.values(), opts);
  const stateFilter = req.filter.room.state;

  for (const p of plans) {
    const roomId = p.spec.roomId;
    const timeline: JsonObject[] = [];
    for (const r of p.timeline) {
      const ev = bodies.get(r.nid);
      if (ev) timeline.push(renderEvent(req, ev, r, p.history, bodies, redactions, opts));
    }
    const state: JsonObject[] = [];
    for (const s of p.state) {
      const ev = bodies.get(s.nid);
      if (!ev || !eventMatches(stateFilter, { type: ev.json.type, sender: ev.json.sender })) continue;
      state.push(renderEvent(req, ev, undefined, p.history, bodies, redactions, opts));
    }
    rememberLazy(req, p);

    const stateKey = req.useStateAfter ? 'state_after' : 'state';
    if (p.spec.section === 'leave') {
      req.response.rooms.leave[roomId] = {
        timeline: { events: timeline, limited: p.limited, prev_batch: p.prevBatch },
        state: { events: req.useStateAfter ? [] : state },
        ...(req.useStateAfter ? { state_after: { events: state } } : {}),
        account_data: { events: [] },
      };
      if (req.useStateAfter) delete (req.response.rooms.leave[roomId] as { state?: unknown }).state;
      continue;
    }
    // An incremental sync leaves out joined rooms where nothing visible happened.
    const keep = timeline.length > 0 || state.length > 0 || p.spec.fullState || p.spec.newlyJoined;
    if (!keep) continue;
    const room =
      p.spec.section === 'peek'
        ? ((req.response.rooms.peek ??= {})[roomId] = { timeline: { events: [], limited: false }, state: { events: [] }, ephemeral: { events: [] }, account_data: { events: [] } })
        : joinedRoom(req, roomId);
    room.timeline = { events: timeline, limited: p.limited, prev_batch: p.prevBatch };
    if (stateKey === 'state_after') {
      room.state_after = { events: state };
      delete (room as { state?: unknown }).state;
    } else room.state = { events: state };
    if (p.summary) room.summary = { ...p.summary };
  }
}

/** Records the member events this device now has, for lazy-loading's redundancy check. */
function rememberLazy(req: SyncRequest, p: RoomPlan): void {
  if (!req.filter.room.state.lazyLoadMembers) return;
  const lazy = req.ctx.lazyMembers;
  if (p.spec.fullState) lazy.reset(req.userId, req.deviceId, p.spec.roomId);
  for (const s of p.state) {
    if (s.type === 'm.room.member') lazy.sent(req.userId, req.deviceId, p.spec.roomId, s.stateKey, s.nid);
  }
  for (const r of p.timeline) {
    if (r.type === 'm.room.member' && r.stateKey !== null) lazy.sent(req.userId, req.deviceId, p.spec.roomId, r.stateKey, r.nid);
  }
}
