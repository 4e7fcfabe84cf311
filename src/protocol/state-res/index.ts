// State resolution: the room state before an event is the resolution of the states after its
// prev_events. Room version 1 uses the original algorithm, 2–11 v2, 12 v2.1 (MSC4297).
import { resolveV1 } from './v1.ts';
import { resolveV2 } from './v2.ts';
import type { StateMap, StateResOptions } from './types.ts';

export { authChainDifference, conflictedStateSubgraph } from './auth-difference.ts';
export { authEdgesOf, createEventIdOf } from './auth-graph.ts';
export { mainlineSort } from './mainline.ts';
export { reverseTopologicalPowerSort, senderPowerFromAuthEvents } from './power-sort.ts';
export { separateV1, separateV2 } from './separate.ts';
export { isPowerEvent } from './v2.ts';
export type { StateMap, StateResOptions } from './types.ts';

/** Resolves the state sets into one state map ((type, state_key) key → event ID). */
export function resolveState(stateSets: readonly StateMap[], opts: StateResOptions): Map<string, string> {
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);
  return opts.roomVersion.stateRes === 'v1' ? resolveV1(stateSets, opts) : resolveV2(stateSets, opts);
}
