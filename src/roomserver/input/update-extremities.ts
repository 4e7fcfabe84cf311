// Forward extremities (Server-Server API, "Room DAG concepts"): the events nothing points at
// yet, which our next event will name as prev_events. A new event replaces the extremities it
// names; an event that a stored event already points at (it arrived late) is not one.
import type { Extremity } from '../room-info.ts';

export function updateExtremities(
  current: readonly Extremity[],
  event: Extremity,
  prevIds: readonly string[],
  referenced: boolean,
): Extremity[] {
  const prev = new Set(prevIds);
  const kept = current.filter((e) => !prev.has(e.eventId) && e.eventId !== event.eventId);
  if (!referenced) kept.push(event);
  return kept;
}

/** The extremities a new local event names: all of them, or the deepest 20 (the PDU schema's
 *  limit on prev_events) when there are more. */
export function chooseLocalPrevs(extremities: readonly Extremity[], max = 20): Extremity[] {
  if (extremities.length <= max) return [...extremities];
  return [...extremities].sort((a, b) => b.depth - a.depth || b.nid - a.nid).slice(0, max);
}
