// "Reverse topological power ordering": the lexicographically smallest topological order of the
// auth DAG, earliest first, choosing among ready events by (1) greater sender power level "when
// looking at their respective auth_events", (2) smaller origin_server_ts, (3) smaller event_id.
// Kahn's algorithm with a heap: O(n log n + edges).

import { AuthEventType } from '../auth/names.ts';
import type { EventView } from '../event.ts';
import { roomPowerLevels, userLevel } from '../power-levels.ts';
import type { RoomVersion } from '../room-versions.ts';
import { authEdgesOf, authEventOfType } from './auth-graph.ts';
import { MinHeap } from './heap.ts';

type GetEvent = (eventId: string) => EventView | undefined;

/** The sender's power level according to the event's own auth events (Infinity for a v12 creator). */
export function senderPowerFromAuthEvents(event: EventView, getEvent: GetEvent, rv: RoomVersion): number {
  const powerLevels = authEventOfType(event, AuthEventType.PowerLevels, '', getEvent, rv);
  const create = authEventOfType(event, AuthEventType.Create, '', getEvent, rv);
  return userLevel(roomPowerLevels(powerLevels, create, rv), event.sender);
}

/** String order by UTF-16 code units. Event IDs are ASCII, so this is also code point order. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorts `powerEvents` together with the events of their auth chains that are in `fullConflicted`.
 * NOTSPEC: the auth chains are followed only through events of the full conflicted set, as Synapse
 * and ruma do; the spec's "auth chain of P which also belong to the full conflicted set" would also
 * take conflicted events reached through events outside it. Converging with the network wins.
 * Returns every event it sorted, power events and the auth events it added.
 */
export function reverseTopologicalPowerSort(
  powerEvents: Iterable<string>,
  fullConflicted: ReadonlySet<string>,
  getEvent: GetEvent,
  rv: RoomVersion,
): string[] {
  // graph: event → its auth events within the full conflicted set.
  const graph = new Map<string, string[]>();
  const stack: string[] = [];
  for (const id of powerEvents) {
    if (graph.has(id)) continue;
    stack.push(id);
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (graph.has(current)) continue;
      const edges: string[] = [];
      graph.set(current, edges);
      const event = getEvent(current);
      if (!event) continue;
      for (const authId of new Set(authEdgesOf(event, rv))) {
        if (!fullConflicted.has(authId) || !getEvent(authId)) continue;
        edges.push(authId);
        if (!graph.has(authId)) stack.push(authId);
      }
    }
  }

  // Kahn: an event is ready once all its auth events (within the graph) are sorted.
  const waiting = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  for (const [id, edges] of graph) {
    waiting.set(id, edges.length);
    for (const authId of edges) {
      let list = dependants.get(authId);
      if (!list) dependants.set(authId, (list = []));
      list.push(id);
    }
  }
  type Key = { id: string; power: number; ts: number };
  const keyOf = (id: string): Key => {
    const event = getEvent(id)!;
    return { id, power: senderPowerFromAuthEvents(event, getEvent, rv), ts: event.originServerTs };
  };
  const heap = new MinHeap<Key>((x, y) => {
    if (x.power !== y.power) return x.power > y.power;
    if (x.ts !== y.ts) return x.ts < y.ts;
    return x.id < y.id;
  });
  for (const [id, count] of waiting) if (count === 0) heap.push(keyOf(id));
  const sorted: string[] = [];
  while (heap.size > 0) {
    const { id } = heap.pop()!;
    sorted.push(id);
    for (const dependant of dependants.get(id) ?? []) {
      const left = waiting.get(dependant)! - 1;
      waiting.set(dependant, left);
      if (left === 0) heap.push(keyOf(dependant));
    }
  }
  return sorted;
}
