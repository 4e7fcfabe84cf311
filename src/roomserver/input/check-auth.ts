// Authorising events (Server-Server API, "Checks performed on receipt of a PDU"): against the
// event's own auth events (step 4), against the state before it (step 5) and against the
// current state (step 6, soft failure). The rules themselves are the protocol's.
import { MatrixError } from '../../http/errors.ts';
import { checkAuthEventsSelection } from '../../protocol/auth/auth-events.ts';
import { checkAuth } from '../../protocol/auth/check-auth.ts';
import { AuthEventType } from '../../protocol/auth/names.ts';
import { authStateFromEvents, type AuthResult, type AuthStateLookup } from '../../protocol/auth/types.ts';
import { stateKeyOf, type EventView } from '../../protocol/event.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { createEventIdOf } from '../../protocol/state-res/auth-graph.ts';
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import type { WriteBatch } from './batch.ts';
import { authPairs } from './build-event.ts';
import { metasById, stateEvents } from './load.ts';

/** An event that cannot be checked yet because events it names are not stored. */
export class MissingEventsError extends Error {
  constructor(
    readonly eventId: string,
    readonly missing: readonly string[],
    what: string,
  ) {
    super(`event ${eventId}: ${what} not known: ${missing.join(', ')}`);
    this.name = 'MissingEventsError';
  }
}

export const lookupIn =
  (state: ReadonlyMap<string, EventView>): AuthStateLookup =>
  (type, stateKey) =>
    state.get(stateKeyOf(type, stateKey));

/** Our own event against the state before it: a refusal is the client's M_FORBIDDEN. */
export function authoriseLocal(ctx: RoomserverContext, view: EventView, authState: ReadonlyMap<string, EventView>, rv: RoomVersion): void {
  const result = checkAuth(view, lookupIn(authState), rv, ctx.verifier);
  if (!result.allowed) throw new MatrixError('M_FORBIDDEN', result.reason);
}

/** Step 4: the event's own auth_events (all of which must be stored). */
export async function checkAgainstAuthEvents(ctx: RoomserverContext, batch: WriteBatch, view: EventView, rv: RoomVersion): Promise<AuthResult> {
  if (view.type === AuthEventType.Create && view.stateKey === '') return checkAuth(view, () => undefined, rv, ctx.verifier);
  const ids = [...view.authEventIds];
  // v12: the create event is named by the room ID, not listed in auth_events.
  const createId = rv.roomIdFromCreateEvent ? createEventIdOf(view.roomId) : undefined;
  if (createId !== undefined) ids.push(createId);
  const metas = await metasById(ctx, batch, ids);
  const missing = ids.filter((id) => !metas.has(id));
  if (missing.length > 0) throw new MissingEventsError(view.eventId, missing, 'auth events');
  const authViews = view.authEventIds.map((id) => metas.get(id)!.view);
  const rejected = new Set(ids.filter((id) => metas.get(id)!.rejected));
  const selection = checkAuthEventsSelection(view, authViews, rv, (id) => rejected.has(id));
  if (!selection.allowed) return selection;
  const create = createId === undefined ? undefined : metas.get(createId);
  if (create?.rejected) return { allowed: false, reason: 'the room create event was rejected' };
  return checkAuth(view, authStateFromEvents(authViews, create?.view), rv, ctx.verifier);
}

/** Steps 5 and 6: the event against a state snapshot (the state before it, or the current state). */
export async function checkAgainstState(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  view: EventView,
  snapshot: Snapshot,
): Promise<AuthResult> {
  const state = await stateEvents(ctx, batch, snapshot, authPairs(view, room));
  return checkAuth(view, lookupIn(state), room.version, ctx.verifier);
}
