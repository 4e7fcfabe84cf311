// State resolution of room version 1 ("State resolution" in rooms/v1). Known to reset state; kept
// exactly as written so that we agree with the servers still in v1 rooms.
//
// R starts as the unconflicted state. Conflicts are then resolved in passes: m.room.power_levels,
// m.room.join_rules, m.room.member (each: sort by ascending depth then descending sha1(event_id),
// take the first, then keep taking the next while it is allowed in R), then every other key (the
// event with the highest depth and lowest sha1(event_id) that passes auth in R).

import { createHash } from 'node:crypto';
import { checkAuth } from '../auth/check-auth.ts';
import { AuthEventType } from '../auth/names.ts';
import type { AuthStateLookup } from '../auth/types.ts';
import { splitStateKey, stateKeyOf, type EventView } from '../event.ts';
import { separateV1 } from './separate.ts';
import type { StateMap, StateResOptions } from './types.ts';

const sha1 = (eventId: string): string => createHash('sha1').update(eventId, 'utf8').digest('hex');

/** Ascending depth, then descending sha1(event_id). */
function orderForAuthPass(events: EventView[]): EventView[] {
  const hashes = new Map(events.map((e) => [e.eventId, sha1(e.eventId)]));
  return [...events].sort((a, b) => {
    if (a.depth !== b.depth) return a.depth - b.depth;
    const x = hashes.get(a.eventId)!;
    const y = hashes.get(b.eventId)!;
    return x < y ? 1 : x > y ? -1 : 0;
  });
}

export function resolveV1(stateSets: readonly StateMap[], opts: StateResOptions): Map<string, string> {
  const { getEvent, roomVersion: rv, verifier } = opts;
  const { unconflicted, conflicted } = separateV1(stateSets);
  const resolved = new Map(unconflicted);
  // Only events we hold can take part; a key left with one candidate is no longer conflicted.
  const candidates = new Map<string, EventView[]>();
  for (const [key, ids] of conflicted) {
    const events = [...ids].map((id) => getEvent(id)).filter((e): e is EventView => e !== undefined);
    if (events.length === 1) resolved.set(key, events[0]!.eventId);
    else if (events.length > 1) candidates.set(key, events);
  }

  const lookupIn = (state: ReadonlyMap<string, string>, key: string, current: EventView): AuthStateLookup =>
    (type, stateKey) => {
      const k = stateKeyOf(type, stateKey);
      if (k === key) return current;
      const id = state.get(k);
      return id === undefined ? undefined : getEvent(id);
    };

  // "Add the first event in the list to R. For each subsequent event in the list, check that the
  // event would be allowed by the authorisation rules for a room in state R. If the event would be
  // allowed, then update R with the event and continue with the next event in the list. If it
  // would not be allowed, stop".
  const resolveAuthKey = (key: string, state: ReadonlyMap<string, string>): string => {
    const [first, ...rest] = orderForAuthPass(candidates.get(key)!);
    let current = first!;
    for (const next of rest) {
      if (!checkAuth(next, lookupIn(state, key, current), rv, verifier).allowed) break;
      current = next;
    }
    return current.eventId;
  };

  const powerKey = stateKeyOf(AuthEventType.PowerLevels, '');
  if (candidates.has(powerKey)) resolved.set(powerKey, resolveAuthKey(powerKey, resolved));
  const joinRulesKey = stateKeyOf(AuthEventType.JoinRules, '');
  if (candidates.has(joinRulesKey)) resolved.set(joinRulesKey, resolveAuthKey(joinRulesKey, resolved));
  // NOTSPEC: each member key is resolved against R as it stood after the join rules, and the
  // results are applied together, as Synapse does; resolving them one after another would make
  // the outcome depend on the order of the keys, which the spec does not give.
  const afterJoinRules = new Map(resolved);
  for (const key of candidates.keys()) {
    if (splitStateKey(key)[0] === AuthEventType.Member) resolved.set(key, resolveAuthKey(key, afterJoinRules));
  }

  // "For all other conflicts, just pick the event with the highest depth and lowest
  // sha1(event_id) that passes authentication in R and add it to R." NOTSPEC: if none passes, take
  // the one with the lowest depth, as Synapse and Dendrite do (the spec leaves this open).
  const afterMembers = new Map(resolved);
  for (const [key, events] of candidates) {
    if (key === powerKey || key === joinRulesKey || splitStateKey(key)[0] === AuthEventType.Member) continue;
    const ordered = orderForAuthPass(events).reverse();
    const passing = ordered.find((e) => checkAuth(e, lookupIn(afterMembers, '', e), rv, verifier).allowed);
    resolved.set(key, (passing ?? ordered[ordered.length - 1]!).eventId);
  }
  return resolved;
}
