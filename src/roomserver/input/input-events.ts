// Events built elsewhere (federation: /send, joins, backfill), already checked for format,
// hashes and signatures by the caller (Server-Server API, "Checks performed on receipt of a PDU"
// steps 1–3). Here: auth against the event's auth events (4), against the state before it (5)
// and, for 'new' events, against the current state (6, soft failure).
//   'new'     a live event: may move the forward extremities and the current state; published.
//   'old'     backfilled history: stored with its state, extremities untouched, published as
//             old_room_event (readers add it to their history, nothing else changes).
//   'outlier' an event known without its place in the DAG (auth chains, state of a join): no
//             state, no extremities; it may later arrive again as 'new' or 'old'.
import { MatrixError } from '../../http/errors.ts';
import type { InputRoomEvent, InputRoomEventResult } from '../api.ts';
import { AuthEventType } from '../../protocol/auth/names.ts';
import type { EventView, PduJson } from '../../protocol/event.ts';
import { parseEvent } from '../../protocol/events/parse.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { RoomserverContext } from '../context.ts';
import { versionOrThrow, type RoomInfo } from '../room-info.ts';
import { EMPTY_SNAPSHOT } from '../state/snapshot.ts';
import { isReferenced } from '../storage/previous-events.ts';
import { WriteBatch, type PreparedEvent } from './batch.ts';
import { canonicalText, eventError } from './build-event.ts';
import { checkAgainstAuthEvents, MissingEventsError } from './check-auth.ts';
import { persist } from './persist.ts';
import { applyPendingRedactions, isRedaction, recordRedaction } from './redaction.ts';
import { placeEvent } from './place-event.ts';
import { updateExtremities } from './update-extremities.ts';
import { moveRoom, queueNewRoomEvent, queueOldRoomEvent, queueRedactedEvent } from './update-room.ts';

export type { InputRoomEvent, InputRoomEventResult } from '../api.ts';
export type InputStatus = InputRoomEventResult['status'];

/** Processes the events in order, each in its room's queue and its own transaction. An event
 *  whose auth or prev events are not stored yet is not stored: its status is 'missing'. */
export async function inputRoomEvents(ctx: RoomserverContext, events: readonly InputRoomEvent[]): Promise<InputRoomEventResult[]> {
  const results: InputRoomEventResult[] = [];
  for (const input of events) {
    const roomId = typeof input.pdu.room_id === 'string' ? input.pdu.room_id : `create:${JSON.stringify(input.pdu.origin_server_ts)}`;
    const { result, published } = await ctx.queues.run(roomId, () =>
      inputOne(ctx, input).catch((err) => {
        if (!(err instanceof MissingEventsError)) throw err;
        const result: InputRoomEventResult = { eventId: err.eventId, status: 'missing', missing: [...err.missing] };
        return { result, published: Promise.resolve() };
      }),
    );
    await published;
    results.push(result);
  }
  return results;
}

async function inputOne(ctx: RoomserverContext, input: InputRoomEvent): Promise<{ result: InputRoomEventResult; published: Promise<void> }> {
  const { known, rv, view } = await parseInput(ctx, input);
  const existing = (await ctx.events.byIds([view.eventId])).get(view.eventId);
  if (existing && (!existing.outlier || input.kind === 'outlier')) {
    return { result: { eventId: view.eventId, nid: existing.nid, status: 'duplicate' }, published: Promise.resolve() };
  }
  const batch = new WriteBatch();
  const room = known ?? (await ctx.rooms.get(view.roomId)) ?? newRoom(ctx, batch, input, view, rv);

  const nid = existing?.nid ?? ctx.counters.event.next();
  if (!existing) batch.state.freshEvents.add(nid);
  const typeNid = (await ctx.types.ensure([view.type], batch.nids)).get(view.type)!;
  const stateKeyNid = view.stateKey === undefined ? null : (await ctx.stateKeys.ensure([view.stateKey], batch.nids)).get(view.stateKey)!;
  const authResult = await checkAgainstAuthEvents(ctx, batch, view, rv);
  const placed =
    input.kind === 'outlier'
      ? { stateBefore: null, stateAfter: null, reason: authResult.allowed ? undefined : authResult.reason, softFailed: false }
      : await placeEvent(ctx, batch, room, view, input, { nid, typeNid, stateKeyNid }, authResult);
  const rejected = placed.reason !== undefined;
  const event: PreparedEvent = {
    nid,
    roomNid: room.nid,
    view,
    json: canonicalText(input.pdu, rv),
    typeNid,
    stateKeyNid,
    kind: input.kind,
    rejected,
    softFailed: placed.softFailed,
    stateBefore: placed.stateBefore,
    stateAfter: placed.stateAfter,
    deOutlier: existing !== undefined,
    local: false,
    redactedBecause: undefined,
  };
  batch.add(event);
  if (!rejected) await applyPendingRedactions(ctx, batch, room, event);

  if (input.kind === 'new' && !rejected && !placed.softFailed) {
    const referenced = await isReferenced(ctx.db, view.eventId);
    // Our join through another server: what we knew of the room before is history, not a fork.
    const before = input.resetsRoom ? [] : room.extremities;
    const extremities = updateExtremities(before, { nid, eventId: view.eventId, depth: view.depth }, view.prevEventIds, referenced);
    const change = await moveRoom(ctx, batch, room, extremities, event);
    const redacted = isRedaction(view) && (await recordRedaction(ctx, batch, change.room, event));
    await queueNewRoomEvent(ctx, batch, change, event, { sendAsServer: input.sendAsServer });
    if (redacted) queueRedactedEvent(ctx, batch, room, view);
    batch.rooms.set(room.nid, change.room);
  } else if (input.kind === 'old' && !rejected) {
    if (isRedaction(view)) await recordRedaction(ctx, batch, room, event);
    await queueOldRoomEvent(ctx, batch, room, event);
  }
  await persist(ctx, batch);
  const status: InputStatus = rejected ? 'rejected' : placed.softFailed ? 'soft_failed' : 'accepted';
  if (rejected) ctx.log.info('event rejected', { eventId: view.eventId, reason: placed.reason });
  const reason = placed.reason ?? ('softFailReason' in placed ? placed.softFailReason : undefined);
  const result: InputRoomEventResult = { eventId: view.eventId, nid, status, ...(reason !== undefined ? { reason } : {}) };
  return { result, published: ctx.output.publish(batch.outputs) };
}

/** The event's room (if known), room version and view. Invalid events are refused (step 1). */
async function parseInput(ctx: RoomserverContext, input: InputRoomEvent): Promise<{ known: RoomInfo | null; rv: RoomVersion; view: EventView }> {
  const known = typeof input.pdu.room_id === 'string' ? await ctx.rooms.get(input.pdu.room_id) : null;
  const content = input.pdu.content;
  const fromCreate = isCreate(input.pdu) && typeof content?.room_version === 'string' ? content.room_version : undefined;
  // A create event without room_version is a room version 1 room (Client-Server API, m.room.create).
  const rv = known?.version ?? versionOrThrow(input.roomVersion ?? fromCreate ?? '1');
  try {
    return { known, rv, view: parseEvent(input.pdu, rv) };
  } catch (err) {
    throw eventError(err);
  }
}

function newRoom(ctx: RoomserverContext, batch: WriteBatch, input: InputRoomEvent, view: EventView, rv: RoomVersion): RoomInfo {
  if (!isCreate(input.pdu) && input.roomVersion === undefined) {
    throw new MatrixError('M_NOT_FOUND', `unknown room ${view.roomId}: give its room version to store its events`);
  }
  const room: RoomInfo = { nid: ctx.counters.room.next(), roomId: view.roomId, version: rv, snapshot: EMPTY_SNAPSHOT, extremities: [], lastSentNid: 0 };
  batch.newRooms.add(room.nid);
  batch.rooms.set(room.nid, room);
  return room;
}

const isCreate = (pdu: PduJson): boolean => pdu.type === AuthEventType.Create && pdu.state_key === '';
