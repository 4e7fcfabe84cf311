// State resolution v2 (room versions 2–11) and v2.1 (room version 12, MSC4297), "Algorithm":
// 1. the power events of the full conflicted set, with the events of their auth chains in that
//    set, in reverse topological power ordering;
// 2. iterative auth checks of those from the unconflicted state map (v2.1: from an empty map);
// 3. the remaining events in mainline ordering based on the resulting power levels event;
// 4. iterative auth checks of those on top;
// 5. the unconflicted state map laid over the result.

import { AuthEventType, Membership } from '../auth/names.ts';
import { stateKeyOf, type EventView } from '../event.ts';
import { authChainDifference, conflictedStateSubgraph } from './auth-difference.ts';
import { iterativeAuthChecks } from './iterative-auth.ts';
import { mainlineSort } from './mainline.ts';
import { reverseTopologicalPowerSort } from './power-sort.ts';
import { separateV2 } from './separate.ts';
import type { StateMap, StateResOptions } from './types.ts';

/**
 * "A power event is a state event with type m.room.power_levels or m.room.join_rules, or a state
 * event with type m.room.member where the membership is leave or ban and the sender does not match
 * the state_key." NOTSPEC: m.room.create counts too, as in Synapse and ruma; it has no auth events,
 * so it sorts first either way.
 */
export function isPowerEvent(event: EventView): boolean {
  if (event.stateKey === undefined) return false;
  switch (event.type) {
    case AuthEventType.PowerLevels:
    case AuthEventType.JoinRules:
    case AuthEventType.Create:
      return event.stateKey === '';
    case AuthEventType.Member: {
      const membership = event.content.membership;
      return (membership === Membership.Leave || membership === Membership.Ban) && event.sender !== event.stateKey;
    }
    default:
      return false;
  }
}

export function resolveV2(stateSets: readonly StateMap[], opts: StateResOptions): Map<string, string> {
  const { getEvent, roomVersion: rv } = opts;
  const { unconflicted, conflicted } = separateV2(stateSets);
  if (conflicted.size === 0) return unconflicted;

  const conflictedEvents = new Set<string>();
  for (const ids of conflicted.values()) for (const id of ids) conflictedEvents.add(id);
  // "Full conflicted set": conflicted state set ∪ auth difference (v2.1: ∪ conflicted state subgraph).
  const full = new Set(conflictedEvents);
  const difference = opts.authDifference?.(stateSets) ?? authChainDifference(stateSets, getEvent, rv);
  for (const id of difference) full.add(id);
  if (rv.stateRes === 'v2.1') {
    const subgraph = opts.conflictedSubgraph?.(conflictedEvents) ?? conflictedStateSubgraph(conflictedEvents, getEvent, rv);
    for (const id of subgraph) full.add(id);
  }
  // Events we cannot load cannot be verified: leave them out, as Synapse and ruma do.
  for (const id of full) if (getEvent(id)?.stateKey === undefined) full.delete(id);

  const powerEvents = [...full].filter((id) => isPowerEvent(getEvent(id)!));
  const sortedPower = reverseTopologicalPowerSort(powerEvents, full, getEvent, rv);
  const base = rv.stateRes === 'v2.1' ? new Map<string, string>() : new Map(unconflicted);
  const partial = iterativeAuthChecks(sortedPower, base, opts);

  const picked = new Set(sortedPower);
  const remaining = [...full].filter((id) => !picked.has(id));
  const sortedRemaining = mainlineSort(remaining, partial.get(stateKeyOf(AuthEventType.PowerLevels, '')), getEvent, rv);
  const resolved = iterativeAuthChecks(sortedRemaining, partial, opts);

  for (const [key, id] of unconflicted) resolved.set(key, id);
  return resolved;
}
