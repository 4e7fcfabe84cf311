// Where an event received from elsewhere sits in the room's state (Server-Server API, "Checks
// performed on receipt of a PDU", steps 5 and 6): the state before it (from its prev events, or
// as given by the sender's server when they are unknown here), whether the auth rules allow it
// there, the state after it, and, for live events, whether it soft-fails against the current state.
import type { AuthResult } from '../../protocol/auth/types.ts';
import type { EventView } from '../../protocol/event.ts';
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import { EMPTY_SNAPSHOT, type Snapshot } from '../state/snapshot.ts';
import type { WriteBatch } from './batch.ts';
import { checkAgainstState, MissingEventsError } from './check-auth.ts';
import type { InputRoomEvent } from './input-events.ts';
import { metasById } from './load.ts';
import { stateBeforeFromIds } from './state-from-ids.ts';
import { stateAfterEvents } from './state-before.ts';

export interface Placement {
  readonly stateBefore: Snapshot;
  readonly stateAfter: Snapshot;
  /** Why the auth rules reject the event; undefined when it is accepted. */
  readonly reason: string | undefined;
  readonly softFailed: boolean;
  /** Why the current state refuses it, when it soft-failed. */
  readonly softFailReason?: string;
}

export async function placeEvent(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  view: EventView,
  input: InputRoomEvent,
  nids: { nid: number; typeNid: number; stateKeyNid: number | null },
  authResult: AuthResult,
): Promise<Placement> {
  const stateBefore = await stateBeforeOf(ctx, batch, room, view, input);
  let reason = authResult.allowed ? undefined : authResult.reason;
  if (reason === undefined) {
    const before = await checkAgainstState(ctx, batch, room, view, stateBefore);
    if (!before.allowed) reason = before.reason;
  }
  // A rejected event changes no state: the state after it is the state before it.
  const stateAfter =
    reason === undefined && nids.stateKeyNid !== null
      ? await ctx.state.derive(batch.state, room.nid, stateBefore, [{ t: nids.typeNid, s: nids.stateKeyNid, e: nids.nid }])
      : stateBefore;
  let softFailed = false;
  let softFailReason: string | undefined;
  // Against the same state as step 5 the answer cannot differ: only check when the state moved on.
  // A join that resets the room (api.ts, resetsRoom) has no current state to be checked against.
  if (input.kind === 'new' && !input.resetsRoom && reason === undefined && room.snapshot.nid !== stateBefore.nid) {
    const current = await checkAgainstState(ctx, batch, room, view, room.snapshot);
    if (!current.allowed) {
      softFailed = true;
      softFailReason = current.reason;
      ctx.log.info('event soft-failed', { eventId: view.eventId, reason: current.reason });
    }
  }
  return { stateBefore, stateAfter, reason, softFailed, softFailReason };
}

async function stateBeforeOf(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, view: EventView, input: InputRoomEvent): Promise<Snapshot> {
  if (input.stateBefore !== undefined) return stateBeforeFromIds(ctx, batch, room, view.eventId, input.stateBefore);
  if (view.prevEventIds.length === 0) return EMPTY_SNAPSHOT;
  const prevs = await metasById(ctx, batch, view.prevEventIds);
  const missing = view.prevEventIds.filter((id) => prevs.get(id)?.stateAfter == null);
  if (missing.length > 0) throw new MissingEventsError(view.eventId, missing, 'prev events (with their state)');
  return stateAfterEvents(ctx, batch, room, [...prevs.values()]);
}
