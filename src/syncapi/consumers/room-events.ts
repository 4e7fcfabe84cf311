// OutputRoomEvent -> our indexes: each new event gets the next PDU stream position, its indexed
// fields, the current-state changes it caused (with the deltas that let us rewind them), the
// membership changes and invites; then the local users it concerns are woken. Messages are
// handled one at a time, in the room server's order, so positions are committed in order.
import { STREAM } from '../../bus/streams.ts';
import type { BusMessage, Subscription } from '../../bus/types.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import { stateKeyOf } from '../../protocol/event.ts';
import type { OutputRoomEvent, StoredEvent } from '../../roomserver/api.ts';
import type { Tx } from '../../storage/types.ts';
import { isLocalUser, type SyncapiContext } from '../context.ts';
import { deleteRoomState, deleteState, selectStateByEventIds, selectStateKeys, upsertState } from '../storage/current-room-state.ts';
import { deleteRoomInvites, insertInvite } from '../storage/invites.ts';
import { deleteRoomMemberships, insertMembership } from '../storage/memberships.ts';
import { type EventRow, clearRelation, deleteRoomEvents, insertEvent, selectByEventId } from '../storage/output-room-events.ts';
import { deleteRoomReceipts } from '../storage/receipts.ts';
import { deleteRoomDeltas, insertDelta } from '../storage/state-deltas.ts';
import { nextPositions } from '../storage/stream-positions.ts';
import { moreOpen, normaliseVisibility } from '../sync/visibility.ts';

type NewRoomEvent = Extract<OutputRoomEvent, { kind: 'new_room_event' }>;

export const ROOM_EVENTS_DURABLE = 'SyncAPIRoomServerConsumer';

export function startRoomEventsConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputRoomEvent, durable: ROOM_EVENTS_DURABLE }, async (msg: BusMessage) => {
    const out = msg.json<OutputRoomEvent>();
    if (out.kind === 'new_room_event') await onNewEvent(ctx, out);
    else if (out.kind === 'redacted_event') await onRedaction(ctx, out.redactedEventId);
    else if (out.kind === 'purge_room') await onPurge(ctx, out.roomId);
    ctx.progress.handled(STREAM.OutputRoomEvent, msg.seq);
  });
}

interface MemberChange {
  userId: string;
  membership: string;
  previous: string | null;
}

async function onNewEvent(ctx: SyncapiContext, out: NewRoomEvent): Promise<void> {
  const ev = out.event;
  // At-least-once delivery: a redelivered event is already indexed.
  if (await selectByEventId(ctx.db, ev.eventId)) return;
  ctx.events.put(ev);
  const others = out.addsStateEventIds.filter((id) => id !== ev.eventId);
  const otherEvents = others.length > 0 ? await ctx.roomserver.eventsById(others) : [];
  for (const o of otherEvents) ctx.events.put(o);
  const added = out.addsStateEventIds.includes(ev.eventId) ? [ev, ...otherEvents] : otherEvents;

  const changes: MemberChange[] = [];
  let row: EventRow | undefined;
  const positions = await ctx.db.transaction(async (tx) => {
    const pos = await nextPositions(tx, 'pdu');
    const replaced = await applyState(ctx, tx, out, pos, added, changes);
    row = {
      pos,
      roomId: out.roomId,
      nid: ev.nid,
      eventId: ev.eventId,
      type: ev.json.type,
      sender: ev.json.sender,
      stateKey: ev.json.state_key ?? null,
      depth: ev.json.depth,
      historyVisibility: visibilityOf(out),
      containsUrl: typeof ev.json.content.url === 'string',
      ...relationOf(ev),
      txnDeviceId: out.txn?.deviceId ?? null,
      txnId: out.txn?.txnId ?? null,
      replacesNid: replaced,
    };
    await insertEvent(tx, row);
    const invitePos = await recordInvites(ctx, tx, out.roomId, pos, added, changes);
    return { pos, invitePos };
  });

  // Everything a sync reads from memory is in place before the new position is visible.
  ctx.recent.append(row!);
  for (const c of changes) if (isLocalUser(ctx, c.userId)) ctx.histories.changed(c.userId);
  ctx.notifier.roomEvent(out.roomId, positions.pos, changes.length > 0);
  ctx.notifier.setPosition('pdu', positions.pos);
  if (positions.invitePos > 0) ctx.notifier.setPosition('invite', positions.invitePos);
  const targets = changes.filter((c) => isLocalUser(ctx, c.userId)).map((c) => c.userId);
  // Wake before dropping leavers from the room, so they see their own leave.
  ctx.notifier.wakeRoom(out.roomId, targets);
  for (const c of changes) {
    if (!isLocalUser(ctx, c.userId)) continue;
    if (c.membership === Membership.Join) ctx.notifier.addRoomMember(out.roomId, c.userId);
    else ctx.notifier.removeRoomMember(out.roomId, c.userId);
  }
}

/** Applies the current-state changes; returns the NID the event itself replaced, if any. */
async function applyState(
  ctx: SyncapiContext,
  tx: Tx,
  out: NewRoomEvent,
  pos: number,
  added: StoredEvent[],
  changes: MemberChange[],
): Promise<number | null> {
  const roomId = out.roomId;
  const deltas = new Map<string, { type: string; stateKey: string; oldNid: number | null; oldMembership: string | null }>();
  for (const r of await selectStateByEventIds(tx, roomId, out.removesStateEventIds)) {
    deltas.set(stateKeyOf(r.type, r.stateKey), { type: r.type, stateKey: r.stateKey, oldNid: r.nid, oldMembership: r.membership });
  }
  let replaced: number | null = null;
  const addedKeys = new Set<string>();
  for (const a of added) {
    const type = a.json.type;
    const stateKey = a.json.state_key ?? '';
    const k = stateKeyOf(type, stateKey);
    let d = deltas.get(k);
    if (!d) {
      const [cur] = await selectStateKeys(tx, roomId, type, [stateKey]);
      d = { type, stateKey, oldNid: cur?.nid ?? null, oldMembership: cur?.membership ?? null };
      deltas.set(k, d);
    }
    addedKeys.add(k);
    if (a.eventId === out.event.eventId) replaced = d.oldNid;
    const membership = type === EventType.Member ? String(a.json.content.membership ?? '') : null;
    await upsertState(tx, { roomId, type, stateKey, nid: a.nid, eventId: a.eventId, membership, pos });
    await insertDelta(tx, { roomId, pos, type, stateKey, oldNid: d.oldNid, newNid: a.nid });
    if (membership !== null) {
      changes.push({ userId: stateKey, membership, previous: d.oldMembership });
      await insertMembership(tx, { roomId, userId: stateKey, pos, membership, nid: a.nid, eventId: a.eventId, sender: a.json.sender });
    }
  }
  for (const [k, d] of deltas) {
    if (addedKeys.has(k)) continue;
    // Removed without a replacement: only a state reset does this.
    await deleteState(tx, roomId, d.type, d.stateKey);
    await insertDelta(tx, { roomId, pos, type: d.type, stateKey: d.stateKey, oldNid: d.oldNid, newNid: null });
  }
  return replaced;
}

/** Invite stream rows for local users invited, or no longer invited; returns the last position. */
async function recordInvites(
  ctx: SyncapiContext,
  tx: Tx,
  roomId: string,
  pos: number,
  added: StoredEvent[],
  changes: MemberChange[],
): Promise<number> {
  let last = 0;
  for (const c of changes) {
    if (!isLocalUser(ctx, c.userId)) continue;
    const invited = c.membership === Membership.Invite;
    if (!invited && c.previous !== Membership.Invite) continue;
    const ev = added.find((a) => a.json.type === EventType.Member && a.json.state_key === c.userId)!;
    last = await nextPositions(tx, 'invite');
    await insertInvite(tx, { pos: last, roomId, userId: c.userId, nid: ev.nid, eventId: ev.eventId, sender: ev.json.sender, retired: !invited });
  }
  return last;
}

/** For a visibility change, the more open of the old and new setting applies to the event itself. */
function visibilityOf(out: NewRoomEvent): string {
  const json = out.event.json;
  if (json.type === EventType.HistoryVisibility && json.state_key === '') {
    return moreOpen(out.historyVisibility, normaliseVisibility(json.content.history_visibility));
  }
  return normaliseVisibility(out.historyVisibility);
}

function relationOf(ev: StoredEvent): { relType: string | null; relatesTo: string | null } {
  const rel = ev.json.content['m.relates_to'];
  if (rel && typeof rel === 'object' && !Array.isArray(rel) && typeof rel.rel_type === 'string' && typeof rel.event_id === 'string') {
    return { relType: rel.rel_type, relatesTo: rel.event_id };
  }
  return { relType: null, relatesTo: null };
}

async function onRedaction(ctx: SyncapiContext, redactedEventId: string): Promise<void> {
  const row = await selectByEventId(ctx.db, redactedEventId);
  if (!row) return;
  // A redacted event loses its content, so its relation and URL no longer count.
  await ctx.db.transaction((tx) => clearRelation(tx, redactedEventId));
  ctx.recent.redacted(redactedEventId);
  ctx.events.evict(row.nid);
}

async function onPurge(ctx: SyncapiContext, roomId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await deleteRoomEvents(tx, roomId);
    await deleteRoomState(tx, roomId);
    await deleteRoomDeltas(tx, roomId);
    await deleteRoomMemberships(tx, roomId);
    await deleteRoomInvites(tx, roomId);
    await deleteRoomReceipts(tx, roomId);
  });
  ctx.recent.drop(roomId);
  const users = ctx.notifier.removeRoom(roomId);
  for (const u of users) ctx.histories.changed(u);
  ctx.notifier.wakeUsers(users);
}
