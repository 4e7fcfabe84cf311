// Splitting the state sets into the unconflicted state map and the conflicted state set.

import type { StateMap } from './types.ts';

export interface SeparatedState {
  readonly unconflicted: Map<string, string>;
  /** Conflicted keys → the distinct event IDs the state sets hold for them. */
  readonly conflicted: Map<string, Set<string>>;
}

/**
 * v2 (rooms 2–12), "Unconflicted state map and conflicted state set": "If a given key K is present
 * in every S_i with the same value V in each state map, then the pair (K, V) belongs to the
 * unconflicted state map. Otherwise, V belongs to the conflicted state set." A key missing from one
 * state set is therefore conflicted even if all the others agree.
 */
export function separateV2(stateSets: readonly StateMap[]): SeparatedState {
  const unconflicted = new Map<string, string>();
  const conflicted = new Map<string, Set<string>>();
  const [first, ...rest] = stateSets;
  if (!first) return { unconflicted, conflicted };
  const valuesOf = (key: string): Set<string> => {
    const values = new Set<string>();
    for (const set of stateSets) {
      const id = set.get(key);
      if (id !== undefined) values.add(id);
    }
    return values;
  };
  for (const [key, value] of first) {
    if (rest.every((set) => set.get(key) === value)) unconflicted.set(key, value);
    else conflicted.set(key, valuesOf(key));
  }
  // Keys the first state set lacks are conflicted by definition.
  for (const set of rest) {
    for (const key of set.keys()) if (!first.has(key) && !conflicted.has(key)) conflicted.set(key, valuesOf(key));
  }
  return { unconflicted, conflicted };
}

/**
 * v1 (room 1): "A conflict occurs between states where those states have different event_ids for
 * the same (event_type, state_key)." A key only some states hold is not a conflict.
 */
export function separateV1(stateSets: readonly StateMap[]): SeparatedState {
  const values = new Map<string, Set<string>>();
  for (const set of stateSets) {
    for (const [key, id] of set) {
      let ids = values.get(key);
      if (!ids) values.set(key, (ids = new Set()));
      ids.add(id);
    }
  }
  const unconflicted = new Map<string, string>();
  const conflicted = new Map<string, Set<string>>();
  for (const [key, ids] of values) {
    if (ids.size === 1) unconflicted.set(key, ids.values().next().value!);
    else conflicted.set(key, ids);
  }
  return { unconflicted, conflicted };
}
