// The auth difference (v2) and the conflicted state subgraph (v2.1, MSC4297), by walking the auth
// graph through `getEvent`. Both are linear in the part of the auth graph they reach.

import type { EventView } from '../event.ts';
import type { RoomVersion } from '../room-versions.ts';
import { authEdgesOf } from './auth-graph.ts';
import type { StateMap } from './types.ts';

type GetEvent = (eventId: string) => EventView | undefined;

/** Marks everything reachable from `starts` (the starts included), without entering `stop`. */
function walk(starts: Iterable<string>, getEvent: GetEvent, rv: RoomVersion, stop?: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const id of starts) {
    if (stop?.has(id) || seen.has(id)) continue;
    seen.add(id);
    stack.push(id);
  }
  while (stack.length > 0) {
    const event = getEvent(stack.pop()!);
    if (!event) continue;
    for (const authId of authEdgesOf(event, rv)) {
      if (seen.has(authId) || stop?.has(authId)) continue;
      seen.add(authId);
      stack.push(authId);
    }
  }
  return seen;
}

/**
 * "The auth difference is calculated by first calculating the full auth chain for each state S_i,
 * that is the union of the auth chains for each event in S_i, and then taking every event that
 * doesn't appear in every auth chain": ∪C_i − ∩C_i.
 *
 * NOTSPEC: C_i here also holds the events of S_i themselves, as in Synapse (the reference server,
 * whose auth chain index counts an event as reaching itself). This only matters for events that
 * are in every state set: they are then never in the difference.
 *
 * The events every state set holds, and their whole auth chains, are in every C_i; so we walk
 * those once (A) and, per state set, only the rest (B_i, stopping at A): the difference is
 * ∪B_i − ∩B_i.
 */
export function authChainDifference(stateSets: readonly StateMap[], getEvent: GetEvent, rv: RoomVersion): Set<string> {
  if (stateSets.length < 2) return new Set();
  // An event held by every state set is held under the same key in each (an event has one key).
  const [first, ...rest] = stateSets;
  const common: string[] = [];
  for (const [key, id] of first!) if (rest.every((set) => set.get(key) === id)) common.push(id);
  const shared = walk(common, getEvent, rv);
  const partial = stateSets.map((set) => walk(set.values(), getEvent, rv, shared));
  const difference = new Set<string>();
  for (const chain of partial) {
    for (const id of chain) {
      if (difference.has(id)) continue;
      if (!partial.every((other) => other.has(id))) difference.add(id);
    }
  }
  return difference;
}

/**
 * v2.1, "Conflicted state subgraph": "Starting from an event in the conflicted state set and
 * following auth_events edges may lead to another event in the conflicted state set. The union of
 * all such paths between any pair of events in the conflicted state set (including endpoints)
 * forms a subgraph". An event is on such a path iff it is reachable from a conflicted event and
 * reaches one; the conflicted events themselves are always included (they are in the full
 * conflicted set anyway).
 */
export function conflictedStateSubgraph(conflicted: ReadonlySet<string>, getEvent: GetEvent, rv: RoomVersion): Set<string> {
  // reaches[id]: does some path from id (length ≥ 0) end at a conflicted event? Computed by an
  // iterative post-order walk, so deep auth chains cannot overflow the call stack.
  const reaches = new Map<string, boolean>();
  const onPath = new Set<string>();
  for (const start of conflicted) {
    if (reaches.has(start)) continue;
    const stack: Array<{ id: string; edges: readonly string[]; next: number; found: boolean }> = [];
    const enter = (id: string): void => {
      onPath.add(id);
      stack.push({ id, edges: getEvent(id) ? authEdgesOf(getEvent(id)!, rv) : [], next: 0, found: conflicted.has(id) });
    };
    enter(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.edges.length) {
        const child = frame.edges[frame.next++]!;
        const known = reaches.get(child);
        if (known !== undefined) frame.found ||= known;
        else if (!onPath.has(child)) enter(child); // a cycle (impossible with hashed IDs) is ignored
        continue;
      }
      stack.pop();
      onPath.delete(frame.id);
      reaches.set(frame.id, frame.found);
      const parent = stack[stack.length - 1];
      if (parent) parent.found ||= frame.found;
    }
  }
  const subgraph = new Set<string>();
  for (const [id, found] of reaches) if (found) subgraph.add(id);
  return subgraph;
}
