// The shapes the authorisation rules work with. The rules are pure: the caller supplies the room
// state to check against (the event's own auth events, the state before the event, or the current
// state for soft failure) and the two signature checks the rules need, so this module never sees a
// key or a database.

import { stateKeyOf, type EventView, type JsonObject } from '../event.ts';
import type { RoomPowerLevels } from '../power-levels.ts';
import type { RoomVersion } from '../room-versions.ts';
import { AuthEventType, JoinRule, Membership } from './names.ts';

/**
 * The state an event is checked against: (type, state_key) → event, or undefined if absent.
 * In room version 12 the create event is not among an event's auth_events, but the rules still need
 * it: the lookup must answer (m.room.create, "") with the create event named by the room ID.
 */
export type AuthStateLookup = (type: string, stateKey: string) => EventView | undefined;

export type AuthResult = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export const ALLOW: AuthResult = Object.freeze({ allowed: true });
export const deny = (reason: string): AuthResult => ({ allowed: false, reason });

/** The signature checks named by the rules, done by the caller (which holds the keys). */
export interface AuthVerifier {
  /** v8+ rule "If content has a join_authorised_via_users_server key: If the event is not validly
   *  signed by the homeserver of the user ID denoted by the key, reject." */
  isSignedByServer(event: EventView, serverName: string): boolean;
  /** Third-party invites: "If any signature in `signed` matches any public key in the
   *  m.room.third_party_invite event, allow." `publicKeys` are the unpadded base64 ed25519 keys from
   *  `public_key` and `public_keys[].public_key`. */
  thirdPartyInviteSignedByAnyKey(signed: JsonObject, publicKeys: readonly string[]): boolean;
}

/** The prototype of an event being built or checked: enough to choose its auth events. */
export interface EventPrototype {
  readonly type: string;
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: JsonObject;
}

/** A user's current membership; no member event means "leave" (never joined). */
export function membershipOf(state: AuthStateLookup, userId: string): string {
  const membership = state(AuthEventType.Member, userId)?.content.membership;
  return typeof membership === 'string' ? membership : Membership.Leave;
}

/**
 * The room's join rule. NOTSPEC: the spec gives no join rule for a room without an
 * m.room.join_rules event (or one without `join_rule`); like Synapse, ruma and Dendrite we read
 * that as `invite`, so invited users can join before the join rules are set.
 */
export function joinRuleOf(state: AuthStateLookup): string {
  const event = state(AuthEventType.JoinRules, '');
  if (!event || !('join_rule' in event.content)) return JoinRule.Invite;
  const rule = event.content.join_rule;
  return typeof rule === 'string' ? rule : '';
}

/**
 * Builds a lookup over a list of events, e.g. an event's auth events. Later entries win. In room
 * version 12 pass the room's create event as `create`: it is not among the auth events but the
 * rules need it.
 */
export function authStateFromEvents(events: Iterable<EventView>, create?: EventView): AuthStateLookup {
  const byKey = new Map<string, EventView>();
  if (create) byKey.set(stateKeyOf(AuthEventType.Create, ''), create);
  for (const event of events) {
    if (event.stateKey !== undefined) byKey.set(stateKeyOf(event.type, event.stateKey), event);
  }
  return (type, stateKey) => byKey.get(stateKeyOf(type, stateKey));
}

/** Builds a lookup over a state map ((type, state_key) key → event ID) and an event fetcher. */
export function authStateFromMap(
  state: ReadonlyMap<string, string>,
  getEvent: (eventId: string) => EventView | undefined,
): AuthStateLookup {
  return (type, stateKey) => {
    const eventId = state.get(stateKeyOf(type, stateKey));
    return eventId === undefined ? undefined : getEvent(eventId);
  };
}

/** What every rule past rule 1 works with: the event, the state it is checked against, and the
 *  create and power levels events read from that state. */
export interface RuleContext {
  readonly event: EventView;
  readonly rv: RoomVersion;
  readonly state: AuthStateLookup;
  readonly verifier: AuthVerifier;
  readonly create: EventView;
  readonly powerLevels: RoomPowerLevels;
}
