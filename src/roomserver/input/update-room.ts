// After an event is prepared: the room's new forward extremities and current state, the
// membership rows the change of current state implies, and the OutputRoomEvent message.
import { AuthEventType, Membership } from '../../protocol/auth/names.ts';
import { EventType, HistoryVisibility } from '../../protocol/constants.ts';
import type { OutputRoomEvent } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import type { Extremity, RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import { SEEDED_TYPES } from '../storage/event-types.ts';
import type { PreparedEvent, WriteBatch } from './batch.ts';
import { metasByNid, stateEvents } from './load.ts';
import { resolveSnapshots } from './resolve-state.ts';
import { stateKeyOf, type EventView } from '../../protocol/event.ts';

const MEMBER_TYPE_NID = SEEDED_TYPES.get(AuthEventType.Member)!;

export interface RoomChange {
  readonly room: RoomInfo;
  readonly added: string[];
  readonly removed: string[];
}

/** The room with `extremities` as its new forward extremities, and its current state recomputed. */
export async function moveRoom(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  extremities: Extremity[],
  event: PreparedEvent,
): Promise<RoomChange> {
  let current: Snapshot;
  if (extremities.length === 1 && extremities[0]!.nid === event.nid) {
    // The usual case: the event follows every extremity there was.
    current = event.stateAfter!;
  } else if (sameNids(extremities, room.extremities)) {
    current = room.snapshot;
  } else {
    const metas = await metasByNid(ctx, batch, extremities.map((e) => e.nid));
    const afterNids = extremities.map((e) => {
      const after = metas.get(e.nid)?.stateAfter;
      if (after == null) throw new Error(`forward extremity ${e.eventId} has no state after it`);
      return after;
    });
    const snaps = await ctx.state.snapshots(afterNids, batch.state);
    current = await resolveSnapshots(ctx, batch, room.nid, room.version, afterNids.map((n) => snaps.get(n)!));
  }
  const next: RoomInfo = { ...room, snapshot: current, extremities };
  if (current.nid === room.snapshot.nid) return { room: next, added: [], removed: [] };

  const { added, removed } = await ctx.state.diff(room.snapshot, current, batch.state);
  const metas = await metasByNid(ctx, batch, [...added, ...removed].map((e) => e.e));
  for (const e of added) {
    if (e.t !== MEMBER_TYPE_NID) continue;
    const membership = metas.get(e.e)?.view.content.membership;
    batch.setMembership(room.nid, e.s, typeof membership === 'string' ? membership : Membership.Leave, e.e);
  }
  return {
    room: next,
    added: added.map((e) => metas.get(e.e)!.view.eventId),
    removed: removed.map((e) => metas.get(e.e)!.view.eventId),
  };
}

/** m.room.history_visibility in a state; "shared" when unset (Client-Server API, "Room History Visibility"). */
export async function historyVisibilityAt(ctx: RoomserverContext, batch: WriteBatch, snapshot: Snapshot): Promise<string> {
  return historyVisibilityIn(await stateEvents(ctx, batch, snapshot, [[EventType.HistoryVisibility, '']]));
}

export function historyVisibilityIn(state: ReadonlyMap<string, EventView>): string {
  const value = state.get(stateKeyOf(EventType.HistoryVisibility, ''))?.content.history_visibility;
  return typeof value === 'string' ? value : HistoryVisibility.Shared;
}

/** Queues the new_room_event message for a prepared event (and returns it). */
export async function queueNewRoomEvent(
  ctx: RoomserverContext,
  batch: WriteBatch,
  change: RoomChange,
  event: PreparedEvent,
  extra: { txn?: { deviceId: string; txnId: string }; sendAsServer?: string; historyVisibility?: string },
): Promise<void> {
  const message: OutputRoomEvent = {
    kind: 'new_room_event',
    roomId: change.room.roomId,
    roomVersion: change.room.version.id,
    event: {
      nid: event.nid,
      eventId: event.view.eventId,
      roomId: event.view.roomId,
      roomVersion: event.view.roomVersion,
      json: event.view.json,
      ...(event.redactedBecause !== undefined ? { redactedBecause: event.redactedBecause } : {}),
    },
    addsStateEventIds: change.added,
    removesStateEventIds: change.removed,
    latestEventIds: change.room.extremities.map((e) => e.eventId),
    // The visibility in force for an event is the one in the state before it.
    historyVisibility: extra.historyVisibility ?? (await historyVisibilityAt(ctx, batch, event.stateBefore!)),
  };
  if (extra.txn) message.txn = extra.txn;
  if (extra.sendAsServer) message.sendAsServer = extra.sendAsServer;
  batch.outputs.push({ id: ctx.counters.output.next(), roomNid: change.room.nid, message });
}

/** The old_room_event message for a backfilled event. */
export async function queueOldRoomEvent(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, event: PreparedEvent): Promise<void> {
  batch.outputs.push({
    id: ctx.counters.output.next(),
    roomNid: room.nid,
    message: {
      kind: 'old_room_event',
      roomId: room.roomId,
      roomVersion: room.version.id,
      event: storedOf(event),
      historyVisibility: await historyVisibilityAt(ctx, batch, event.stateBefore!),
    },
  });
}

function storedOf(event: PreparedEvent) {
  return {
    nid: event.nid,
    eventId: event.view.eventId,
    roomId: event.view.roomId,
    roomVersion: event.view.roomVersion,
    json: event.view.json,
    ...(event.redactedBecause !== undefined ? { redactedBecause: event.redactedBecause } : {}),
  };
}

function sameNids(a: readonly Extremity[], b: readonly Extremity[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((e) => e.nid));
  return b.every((e) => set.has(e.nid));
}

/** The redacted_event message that follows an applied redaction's new_room_event. */
export function queueRedactedEvent(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, redaction: EventView): void {
  batch.outputs.push({
    id: ctx.counters.output.next(),
    roomNid: room.nid,
    message: { kind: 'redacted_event', roomId: room.roomId, redactedEventId: redaction.redacts!, redactionEventId: redaction.eventId },
  });
}
