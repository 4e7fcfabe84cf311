// The auth_events graph as state resolution walks it.
//
// Room version 12 takes the create event out of auth_events because the room ID names it (MSC4291).
// NOTSPEC: like Synapse, which re-adds it whenever it reads a v12 event's auth events, we treat
// the create event as an implicit auth event of every other v12 event. The auth rules need it
// (rule 2 and the creators' infinite power), so iterative auth checks starting from an empty map
// must find it "from the event's auth_events"; and it keeps the create event ordered before
// everything in the reverse topological power ordering.

import { AuthEventType } from '../auth/names.ts';
import type { EventView } from '../event.ts';
import type { RoomVersion } from '../room-versions.ts';

const cache = new WeakMap<EventView, readonly string[]>();

/** The event's auth event IDs, with the implicit create event in room version 12. */
export function authEdgesOf(event: EventView, rv: RoomVersion): readonly string[] {
  if (!rv.roomIdFromCreateEvent || (event.type === AuthEventType.Create && event.stateKey === '')) {
    return event.authEventIds;
  }
  const cached = cache.get(event);
  if (cached) return cached;
  const createId = createEventIdOf(event.roomId);
  const edges = event.authEventIds.includes(createId) ? event.authEventIds : [...event.authEventIds, createId];
  cache.set(event, edges);
  return edges;
}

/** v12: "The room ID is the event ID of the [create] event with sigil ! instead of $". */
export const createEventIdOf = (roomId: string): string => `$${roomId.slice(1)}`;

/** The first auth event of the given (type, state_key) that `getEvent` knows, if any. */
export function authEventOfType(
  event: EventView,
  type: string,
  stateKey: string,
  getEvent: (eventId: string) => EventView | undefined,
  rv: RoomVersion,
): EventView | undefined {
  for (const id of authEdgesOf(event, rv)) {
    const authEvent = getEvent(id);
    if (authEvent && authEvent.type === type && authEvent.stateKey === stateKey) return authEvent;
  }
  return undefined;
}
