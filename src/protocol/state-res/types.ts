// The inputs of state resolution. The algorithm is synchronous and pure: the caller (the room
// server) pre-loads the events it needs and hands them over through `getEvent`.

import type { AuthVerifier } from '../auth/types.ts';
import type { EventView } from '../event.ts';
import type { RoomVersion } from '../room-versions.ts';

/** (type, state_key) key, made with `stateKeyOf`, → event ID. */
export type StateMap = ReadonlyMap<string, string>;

export interface StateResOptions {
  readonly roomVersion: RoomVersion;
  /**
   * Looks up a pre-loaded event. It must know every event in the state sets and, for v2/v2.1, the
   * events their auth chains walk through (unless `authDifference` is given, then the full
   * conflicted set and the auth events of those events). Unknown IDs are skipped, as the spec says
   * of events a server cannot verify.
   */
  readonly getEvent: (eventId: string) => EventView | undefined;
  /** The signature checks of the auth rules (third-party invites, restricted joins). For events
   *  already received, `isSignedByServer` may answer from the checks made on receipt. */
  readonly verifier: AuthVerifier;
  /** Events rejected on receipt; such auth events are not used in the iterative auth checks. */
  readonly isRejected?: (eventId: string) => boolean;
  /** The auth difference of the state sets, from the caller's own auth chain index. Without it,
   *  the auth chains are walked through `getEvent`. It must count each event of a state set as
   *  part of that set's auth chain (as authChainDifference does; see the NOTSPEC there), and in
   *  room version 12 treat the create event as an auth event of every other event. */
  readonly authDifference?: (stateSets: readonly StateMap[]) => ReadonlySet<string>;
  /** v2.1: the conflicted state subgraph of the conflicted events, from the caller's index. */
  readonly conflictedSubgraph?: (conflicted: ReadonlySet<string>) => ReadonlySet<string>;
}
