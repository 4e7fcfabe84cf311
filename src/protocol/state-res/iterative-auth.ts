// "Iterative auth checks": apply each state event, in order, to the state if the authorisation
// rules allow it against that state. "If a (event_type, state_key) key that is required for
// checking the authorisation rules is not present in the state, then the appropriate state event
// from the event's auth_events is used if the auth event is not rejected."

import { checkAuth } from '../auth/check-auth.ts';
import type { AuthStateLookup } from '../auth/types.ts';
import { stateKeyOf } from '../event.ts';
import { authEdgesOf } from './auth-graph.ts';
import type { StateResOptions } from './types.ts';

/** Runs the checks over `eventIds` starting from `state`, which it updates and returns. */
export function iterativeAuthChecks(
  eventIds: readonly string[],
  state: Map<string, string>,
  opts: StateResOptions,
): Map<string, string> {
  const { getEvent, roomVersion: rv, verifier } = opts;
  const isRejected = opts.isRejected ?? (() => false);
  for (const id of eventIds) {
    const event = getEvent(id);
    if (!event || event.stateKey === undefined) continue;
    const lookup: AuthStateLookup = (type, stateKey) => {
      const current = state.get(stateKeyOf(type, stateKey));
      if (current !== undefined) {
        const inState = getEvent(current);
        if (inState) return inState;
      }
      for (const authId of authEdgesOf(event, rv)) {
        const authEvent = getEvent(authId);
        if (authEvent && authEvent.type === type && authEvent.stateKey === stateKey && !isRejected(authId)) {
          return authEvent;
        }
      }
      return undefined;
    };
    // Only the rules that depend on state: the auth_events list of an event in the full
    // conflicted set was checked when it was received.
    if (checkAuth(event, lookup, rv, verifier).allowed) state.set(stateKeyOf(event.type, event.stateKey), id);
  }
  return state;
}
