// Redactions (Client-Server API, "Redactions"; room versions 3+, "Handling redactions"). A
// redaction applies to its target when both are known and either the auth rules already decided
// (v1–v2) or its sender has the redact level or shares the target sender's server. An applied
// redaction replaces the target's stored JSON with the redacted copy, and readers get it with
// redactedBecause set.
//
// Why the original JSON is not kept: the spec says the stripped event "is thereafter returned
// anytime a client or remote server requests it", and that redaction lets "server owners delete
// the offending content from the databases". Nothing needs the original afterwards: the reference
// hash (event ID) and the signatures cover the redacted form, and `hashes.sha256` is kept in it,
// so other servers verify the redacted copy as they would the full one.
import { AuthEventType } from '../../protocol/auth/names.ts';
import { redactionApplies } from '../../protocol/auth/redaction.ts';
import { canonicalJson } from '../../protocol/canonical-json.ts';
import { stateKeyOf, type EventView } from '../../protocol/event.ts';
import { jsonOptions } from '../../protocol/events/hashes.ts';
import { eventView } from '../../protocol/events/parse.ts';
import { namedLevel, roomPowerLevels, userLevel } from '../../protocol/power-levels.ts';
import { redactEvent } from '../../protocol/redaction.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import { selectPendingRedactions } from '../storage/redactions.ts';
import type { PreparedEvent, WriteBatch } from './batch.ts';
import { metasById, stateEvents } from './load.ts';

export const isRedaction = (view: EventView): boolean => view.type === AuthEventType.Redaction && view.redacts !== undefined;

/** Whether `redaction` may redact `target`, with the power levels of the state before the redaction. */
export async function redactionAllowed(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  redaction: EventView,
  target: EventView,
  stateBefore: Snapshot,
): Promise<boolean> {
  const state = await stateEvents(ctx, batch, stateBefore, [
    [AuthEventType.PowerLevels, ''],
    [AuthEventType.Create, ''],
  ]);
  const pl = roomPowerLevels(state.get(stateKeyOf(AuthEventType.PowerLevels, '')), state.get(stateKeyOf(AuthEventType.Create, '')), room.version);
  return redactionApplies(redaction, target, pl, room.version);
}

/**
 * Whether one of our users may redact `target` (Client-Server API, "Redactions": their own
 * events, or anyone's with the redact level). Stricter than the servers' rule above, which trusts
 * every user of the target's server: that rule is about trusting servers, not local users.
 */
export async function localRedactionAllowed(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  redaction: EventView,
  target: EventView,
  stateBefore: Snapshot,
): Promise<boolean> {
  if (target.roomId !== redaction.roomId) return false;
  if (target.sender === redaction.sender) return true;
  const state = await stateEvents(ctx, batch, stateBefore, [
    [AuthEventType.PowerLevels, ''],
    [AuthEventType.Create, ''],
  ]);
  const pl = roomPowerLevels(state.get(stateKeyOf(AuthEventType.PowerLevels, '')), state.get(stateKeyOf(AuthEventType.Create, '')), room.version);
  return userLevel(pl, redaction.sender) >= namedLevel(pl, 'redact');
}

/**
 * Records an accepted redaction event, and applies it if its target is known. Returns true when
 * it was applied (a redacted_event message follows its new_room_event).
 */
export async function recordRedaction(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, redaction: PreparedEvent): Promise<boolean> {
  const targetId = redaction.view.redacts!;
  const target = (await metasById(ctx, batch, [targetId])).get(targetId);
  let applied = false;
  if (target && !target.outlier && (await redactionAllowed(ctx, batch, room, redaction.view, target.view, redaction.stateBefore!))) {
    applied = await prune(ctx, batch, room.version, targetId, redaction.view.eventId);
  }
  batch.redactions.push({ redactionId: redaction.view.eventId, targetId, validated: applied });
  return applied;
}

/** A federation event that earlier redactions were waiting for: prune it before it is stored. */
export async function applyPendingRedactions(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, event: PreparedEvent): Promise<void> {
  const pending = await selectPendingRedactions(ctx.db, event.view.eventId);
  if (pending.length === 0) return;
  const stored = await ctx.events.byIds(pending.map((p) => p.redaction_event_id));
  for (const p of pending) {
    const redaction = stored.get(p.redaction_event_id);
    if (!redaction || redaction.rejected || redaction.stateBefore === null) continue;
    const before = await ctx.state.snapshot(redaction.stateBefore, batch.state);
    if (!(await redactionAllowed(ctx, batch, room, redaction.view, event.view, before))) continue;
    await prune(ctx, batch, room.version, event.view.eventId, p.redaction_event_id);
    batch.redactions.push({ redactionId: p.redaction_event_id, targetId: event.view.eventId, validated: true });
    return;
  }
}

/** Replaces the target's JSON by its redacted copy, whether stored or pending in this batch. */
async function prune(ctx: RoomserverContext, batch: WriteBatch, rv: RoomVersion, targetId: string, redactionId: string): Promise<boolean> {
  const pending = batch.eventById(targetId);
  if (pending) {
    if (pending.redactedBecause !== undefined) return false;
    const pruned = redactEvent(pending.view.json, rv);
    pending.json = canonicalJson(pruned, jsonOptions(rv));
    pending.view = eventView(pruned, rv, targetId);
    pending.redactedBecause = redactionId;
    return true;
  }
  const target = (await ctx.events.byIds([targetId])).get(targetId);
  if (!target || target.redactedBecause !== undefined) return false;
  if (batch.prunes.some((p) => p.target.nid === target.nid)) return false;
  const pruned = redactEvent(target.view.json, rv);
  batch.prunes.push({ target, json: canonicalJson(pruned, jsonOptions(rv)), view: eventView(pruned, rv, targetId), redactionId });
  return true;
}
