// Preparing one of our own events into a batch: build, authorise (a refusal is never stored),
// place it in the state and the DAG. Used by sendEvent, createRoom and upgradeRoom.
import { MatrixError } from '../../http/errors.ts';
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import type { PreparedEvent, WriteBatch } from './batch.ts';
import { buildLocalEvent, type LocalEventInput } from './build-event.ts';
import { authoriseLocal } from './check-auth.ts';
import { metasById, metasByNid } from './load.ts';
import { isRedaction, localRedactionAllowed, recordRedaction } from './redaction.ts';
import { stateAfterEvents } from './state-before.ts';
import { chooseLocalPrevs, updateExtremities } from './update-extremities.ts';
import { historyVisibilityIn, moveRoom, queueNewRoomEvent, queueRedactedEvent } from './update-room.ts';

export interface LocalEventOptions extends LocalEventInput {
  readonly txn?: { deviceId: string; txnId: string };
}

/** Adds the event to the batch; returns the room as it stands after it. */
export async function prepareLocalEvent(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  input: LocalEventOptions,
): Promise<{ room: RoomInfo; event: PreparedEvent }> {
  const rv = room.version;
  const prevs = chooseLocalPrevs(room.extremities);
  // With every extremity as a prev event, the state before is the current state, as it is.
  const stateBefore =
    prevs.length === room.extremities.length
      ? room.snapshot
      : await stateAfterEvents(ctx, batch, room, [...(await metasByNid(ctx, batch, prevs.map((p) => p.nid))).values()]);
  const built = await buildLocalEvent(ctx, batch, room, stateBefore, prevs, input);
  const view = built.view;
  // A v12 room is named after its create event: createRoom learns the room ID here.
  if (room.roomId === '') room = { ...room, roomId: view.roomId };
  authoriseLocal(ctx, view, built.authState, rv);
  if (isRedaction(view)) {
    // Client-Server API, "Redactions": a user may redact only what the room lets them redact;
    // we refuse it here rather than store a redaction that never applies.
    const target = (await metasById(ctx, batch, [view.redacts!])).get(view.redacts!);
    if (target && !(await localRedactionAllowed(ctx, batch, room, view, target.view, stateBefore))) {
      throw new MatrixError('M_FORBIDDEN', 'you may not redact this event');
    }
  }

  const nid = ctx.counters.event.next();
  batch.state.freshEvents.add(nid);
  const typeNid = (await ctx.types.ensure([view.type], batch.nids)).get(view.type)!;
  const stateKeyNid = view.stateKey === undefined ? null : (await ctx.stateKeys.ensure([view.stateKey], batch.nids)).get(view.stateKey)!;
  const stateAfter =
    stateKeyNid === null ? stateBefore : await ctx.state.derive(batch.state, room.nid, stateBefore, [{ t: typeNid, s: stateKeyNid, e: nid }]);
  const event: PreparedEvent = {
    nid,
    roomNid: room.nid,
    view,
    json: built.json,
    typeNid,
    stateKeyNid,
    kind: 'new',
    rejected: false,
    softFailed: false,
    stateBefore,
    stateAfter,
    deOutlier: false,
    local: true,
    redactedBecause: undefined,
  };
  batch.add(event);
  const extremities = updateExtremities(room.extremities, { nid, eventId: view.eventId, depth: view.depth }, view.prevEventIds, false);
  const change = await moveRoom(ctx, batch, room, extremities, event);
  const redacted = isRedaction(view) && (await recordRedaction(ctx, batch, change.room, event));
  await queueNewRoomEvent(ctx, batch, change, event, {
    txn: input.txn,
    sendAsServer: ctx.serverName,
    // The history visibility was read with the auth state, from the state before the event.
    historyVisibility: historyVisibilityIn(built.authState),
  });
  if (redacted) queueRedactedEvent(ctx, batch, room, view);
  batch.rooms.set(room.nid, change.room);
  return { room: change.room, event };
}
