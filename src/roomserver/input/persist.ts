// Writing a prepared batch in ONE transaction: events and their JSON, state blocks and
// snapshots, forward extremities and current state (the rooms row), memberships, redactions and
// the OutputRoomEvent messages, and the idempotency key of a send. A crash leaves all of it or none. The statements do not depend on
// each other's results (NIDs are handed out in memory), so they are sent together: PostgreSQL
// gets them pipelined, SQLite runs them back to back. Caches learn about the batch only after
// the commit. committer.ts puts the batches of rooms committing at the same time in one
// transaction.
import type { OutputRoomEvent } from '../api.ts';
import type { Queryable } from '../../storage/types.ts';
import type { RoomserverContext } from '../context.ts';
import type { LoadedEvent } from '../event-store.ts';
import { roomRow } from '../room-info.ts';
import { insertEvent, updateDeOutlier, updateEventJson, type EventRow } from '../storage/events.ts';
import { upsertMembership } from '../storage/memberships.ts';
import { insertOutput } from '../storage/output-queue.ts';
import { insertPreviousEvents } from '../storage/previous-events.ts';
import { insertRedaction } from '../storage/redactions.ts';
import { insertRoom, updateRoom } from '../storage/rooms.ts';
import type { PreparedEvent, WriteBatch } from './batch.ts';

/** Stores the batch (in a group transaction with whatever other rooms commit at the same time). */
export function persist(ctx: RoomserverContext, batch: WriteBatch): Promise<void> {
  return ctx.committer.commit(batch);
}

/** The statements of one batch, started on `tx` (awaited by the caller). */
export function writeBatch(ctx: RoomserverContext, tx: Queryable, batch: WriteBatch): Promise<unknown>[] {
  const w: Promise<unknown>[] = batch.nids.write(tx, [ctx.types, ctx.stateKeys]);
  w.push(ctx.state.write(tx, batch.state));
  for (const e of batch.events) {
    const row = eventRow(e);
    if (e.deOutlier) {
      w.push(updateDeOutlier(tx, row));
      if (e.redactedBecause !== undefined) w.push(updateEventJson(tx, e.nid, e.json));
    } else {
      w.push(insertEvent(tx, row, e.json));
    }
    // Only an event whose prev events are not all stored can be named late (see previous-events.ts).
    if (e.kind !== 'outlier' && !e.local) w.push(insertPreviousEvents(tx, e.nid, e.view.prevEventIds));
  }
  for (const m of batch.memberships.values()) w.push(upsertMembership(tx, m.roomNid, m.targetNid, m.membership, m.eventNid));
  for (const r of batch.redactions) w.push(insertRedaction(tx, r.redactionId, r.targetId, r.validated));
  for (const p of batch.prunes) w.push(updateEventJson(tx, p.target.nid, p.json));
  for (const r of batch.rooms.values()) {
    const lastSentNid = Math.max(r.lastSentNid, ctx.output.lastSent.get(r.nid) ?? 0);
    const row = roomRow({ ...r, lastSentNid });
    w.push(batch.newRooms.has(r.nid) ? insertRoom(tx, row) : updateRoom(tx, row));
  }
  for (const o of batch.outputs) w.push(insertOutput(tx, o.id, o.roomNid, JSON.stringify(withoutBody(o.message))));
  if (batch.idempotency) w.push(...ctx.idempotency.write(tx, batch.idempotency));
  return w;
}

/** After the batch's transaction committed: the caches learn what it changed. */
export function afterCommit(ctx: RoomserverContext, batch: WriteBatch): void {
  ctx.state.commit(batch.state);
  batch.nids.committed();
  for (const r of batch.rooms.values()) {
    ctx.rooms.put({ ...r, lastSentNid: Math.max(r.lastSentNid, ctx.output.lastSent.get(r.nid) ?? 0) });
  }
  for (const e of batch.events) ctx.events.put(loadedOf(e));
  for (const p of batch.prunes) ctx.events.put({ ...p.target, view: p.view, redactedBecause: p.redactionId });
  if (batch.idempotency) ctx.idempotency.committed(batch.idempotency);
}

function eventRow(e: PreparedEvent): EventRow {
  return {
    event_nid: e.nid,
    room_nid: e.roomNid,
    event_type_nid: e.typeNid,
    event_state_key_nid: e.stateKeyNid,
    event_id: e.view.eventId,
    depth: e.view.depth,
    origin_server_ts: e.view.originServerTs,
    state_before_nid: e.stateBefore?.nid ?? null,
    state_after_nid: e.stateAfter?.nid ?? null,
    is_outlier: e.kind === 'outlier' ? 1 : 0,
    is_rejected: e.rejected ? 1 : 0,
    is_soft_failed: e.softFailed ? 1 : 0,
  };
}

function loadedOf(e: PreparedEvent): LoadedEvent {
  return {
    nid: e.nid,
    roomNid: e.roomNid,
    view: e.view,
    typeNid: e.typeNid,
    stateKeyNid: e.stateKeyNid,
    outlier: e.kind === 'outlier',
    rejected: e.rejected,
    softFailed: e.softFailed,
    stateBefore: e.stateBefore?.nid ?? null,
    stateAfter: e.stateAfter?.nid ?? null,
    redactedBecause: e.redactedBecause,
    cost: e.json.length * 2 + 256,
  };
}

/** The queued copy leaves out the event JSON (already stored): the replay reads it back. */
function withoutBody(message: OutputRoomEvent): OutputRoomEvent {
  if (message.kind !== 'new_room_event' && message.kind !== 'old_room_event') return message;
  return { ...message, event: { ...message.event, json: null as never } };
}
