// Which events an event's auth_events must reference (Server-Server API, "Auth events selection"),
// and the auth rules that look at the auth_events list itself (rule 2 in v1–v11, rule 3 in v12).

import { stateKeyOf, type EventView } from '../event.ts';
import type { RoomVersion } from '../room-versions.ts';
import { AuthEventType, Membership } from './names.ts';
import { ALLOW, deny, type AuthResult, type EventPrototype } from './types.ts';

export type StateKeyPair = readonly [type: string, stateKey: string];

/**
 * The (type, state_key) pairs whose current state events belong in the auth_events of `proto`:
 * - the m.room.create event (not in room version 12, where the room ID names it);
 * - the current m.room.power_levels event, if any;
 * - the sender's current m.room.member event, if any;
 * - for m.room.member: the target's member event; for join/invite/knock the m.room.join_rules
 *   event; for an invite with `third_party_invite` the m.room.third_party_invite event whose
 *   state_key is `signed.token`; for a join with `join_authorised_via_users_server` in a version
 *   with restricted rooms, that user's m.room.member event.
 * The create event itself has no auth events.
 */
export function authEventsNeeded(proto: EventPrototype, rv: RoomVersion): StateKeyPair[] {
  if (proto.type === AuthEventType.Create && proto.stateKey === '') return [];
  const pairs: StateKeyPair[] = [];
  const seen = new Set<string>();
  const add = (type: string, stateKey: string): void => {
    const key = stateKeyOf(type, stateKey);
    if (seen.has(key)) return;
    seen.add(key);
    pairs.push([type, stateKey]);
  };
  if (!rv.roomIdFromCreateEvent) add(AuthEventType.Create, '');
  add(AuthEventType.PowerLevels, '');
  add(AuthEventType.Member, proto.sender);
  if (proto.type === AuthEventType.Member && proto.stateKey !== undefined) {
    add(AuthEventType.Member, proto.stateKey);
    const membership = proto.content.membership;
    if (membership === Membership.Join || membership === Membership.Invite || membership === Membership.Knock) {
      add(AuthEventType.JoinRules, '');
    }
    if (membership === Membership.Invite) {
      const token = thirdPartyInviteToken(proto);
      if (token !== undefined) add(AuthEventType.ThirdPartyInvite, token);
    }
    const authoriser = proto.content.join_authorised_via_users_server;
    if (membership === Membership.Join && rv.restrictedJoins && typeof authoriser === 'string') {
      add(AuthEventType.Member, authoriser);
    }
  }
  return pairs;
}

/** `content.third_party_invite.signed.token` of an invite, if it is a string. */
export function thirdPartyInviteToken(proto: Pick<EventPrototype, 'content'>): string | undefined {
  const invite = proto.content.third_party_invite;
  if (invite === null || typeof invite !== 'object' || Array.isArray(invite)) return undefined;
  const signed = invite.signed;
  if (signed === null || typeof signed !== 'object' || Array.isArray(signed)) return undefined;
  return typeof signed.token === 'string' ? signed.token : undefined;
}

/**
 * "Considering the event's auth_events": no duplicate (type, state_key), nothing outside the auth
 * events selection, nothing rejected, a create event present (v1–v11) and every entry in the same
 * room. `authEvents` are the events named by `event.authEventIds`, in order; the caller fetches
 * them (a missing auth event means the event cannot be authorised yet) and says which are rejected.
 * v12's rule 2 (the room ID names an accepted create event) is checked by `checkAuth`.
 */
export function checkAuthEventsSelection(
  event: EventView,
  authEvents: readonly EventView[],
  rv: RoomVersion,
  isRejected: (eventId: string) => boolean = () => false,
): AuthResult {
  // Rule 1 decides m.room.create events before rule 2 is reached.
  if (event.type === AuthEventType.Create) return ALLOW;
  const allowed = new Set(authEventsNeeded(event, rv).map(([type, stateKey]) => stateKeyOf(type, stateKey)));
  const seen = new Set<string>();
  for (const authEvent of authEvents) {
    if (authEvent.stateKey === undefined) return deny(`auth event ${authEvent.eventId} is not a state event`);
    const key = stateKeyOf(authEvent.type, authEvent.stateKey);
    if (seen.has(key)) {
      return deny(`auth_events has two entries for (${authEvent.type}, ${JSON.stringify(authEvent.stateKey)})`);
    }
    seen.add(key);
    if (!allowed.has(key)) {
      return deny(`auth event ${authEvent.eventId} (${authEvent.type}, ${JSON.stringify(authEvent.stateKey)}) is not one the auth events selection picks`);
    }
    if (isRejected(authEvent.eventId)) return deny(`auth event ${authEvent.eventId} was rejected`);
    if (authEvent.roomId !== event.roomId) return deny(`auth event ${authEvent.eventId} is in another room`);
  }
  if (!rv.roomIdFromCreateEvent && !seen.has(stateKeyOf(AuthEventType.Create, ''))) {
    return deny('auth_events has no m.room.create event');
  }
  return ALLOW;
}
