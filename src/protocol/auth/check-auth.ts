// The authorisation rules of room versions 1–12 (the "Authorisation rules" section of each room
// version page), against one given state. The checks on the auth_events list itself (rule 2 /
// v12 rule 3) are in auth-events.ts: they apply only when checking against an event's own auth
// events, while these rules also run against the state before an event, the current state (soft
// failure) and inside state resolution.

import type { EventView } from '../event.ts';
import { roomPowerLevels, sendLevel, userLevel, namedLevel } from '../power-levels.ts';
import type { RoomVersion } from '../room-versions.ts';
import { checkCreate } from './create.ts';
import { checkMembership } from './membership.ts';
import { AuthEventType, Membership } from './names.ts';
import { checkPowerLevelsChange } from './power-levels-change.ts';
import { checkThirdPartyInviteEvent } from './third-party-invite.ts';
import {
  ALLOW,
  deny,
  membershipOf,
  type AuthResult,
  type AuthStateLookup,
  type AuthVerifier,
  type RuleContext,
} from './types.ts';
import { domainOf } from './user-id.ts';

/**
 * Is `event` allowed in a room whose state is `state`? Returns the first rule that rejects it.
 * Rule numbers below are those of room version 12; v1–v5 and v12 number alike, v6–v11 one lower
 * from the membership rules on (m.room.aliases' rule was removed in v6).
 */
export function checkAuth(
  event: EventView,
  state: AuthStateLookup,
  rv: RoomVersion,
  verifier: AuthVerifier,
): AuthResult {
  // Rule 1: "If type is m.room.create" (whatever its state_key: the rules name only the type, and
  // with no prev_events allowed such an event can never follow anything).
  if (event.type === AuthEventType.Create) return checkCreate(event, rv);

  const create = state(AuthEventType.Create, '');
  if (!create) return deny('there is no m.room.create event');
  // v12 rule 2: "If the event's room_id is not an event ID for an accepted (not rejected)
  // m.room.create event, with the sigil ! instead of $, reject." (Acceptance is the caller's
  // knowledge: it must only hand out accepted create events.)
  if (rv.roomIdFromCreateEvent && create.eventId !== `$${event.roomId.slice(1)}`) {
    return deny('the room_id does not name the m.room.create event');
  }
  // Rule 4 (v1–v11: 3): "If the content of the m.room.create event in the room state has the
  // property m.federate set to false, and the sender domain of the event does not match the sender
  // domain of the create event, reject."
  if (create.content['m.federate'] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    return deny('the room is not federated');
  }
  // v1–v5 rule 4: "If type is m.room.aliases: If event has no state_key, reject. If sender's
  // domain doesn't match state_key, reject. Otherwise, allow."
  if (rv.specialAliasesAuth && event.type === AuthEventType.Aliases) {
    if (event.stateKey === undefined) return deny('m.room.aliases has no state_key');
    return domainOf(event.sender) === event.stateKey ? ALLOW : deny("m.room.aliases state_key is not the sender's domain");
  }

  const powerLevels = roomPowerLevels(state(AuthEventType.PowerLevels, ''), create, rv);
  const ctx: RuleContext = { event, rv, state, verifier, create, powerLevels };

  // Rule 5: m.room.member.
  if (event.type === AuthEventType.Member) return checkMembership(ctx);
  // Rule 6: "If the sender's current membership state is not join, reject."
  if (membershipOf(state, event.sender) !== Membership.Join) return deny('the sender is not joined');
  // Rule 7: m.room.third_party_invite needs the invite level.
  if (event.type === AuthEventType.ThirdPartyInvite) return checkThirdPartyInviteEvent(ctx);
  // Rule 8: "If the event type's required power level is greater than the sender's power level, reject."
  const senderLevel = userLevel(powerLevels, event.sender);
  const required = sendLevel(powerLevels, event.type, event.stateKey !== undefined);
  if (required > senderLevel) return deny(`${event.type} needs power level ${required}`);
  // Rule 9: "If the event has a state_key that starts with an @ and does not match the sender, reject."
  if (event.stateKey !== undefined && event.stateKey.startsWith('@') && event.stateKey !== event.sender) {
    return deny("state_key starting with @ must be the sender's user ID");
  }
  // Rule 10: m.room.power_levels.
  if (event.type === AuthEventType.PowerLevels) return checkPowerLevelsChange(ctx);
  // v1–v2 rule 11: m.room.redaction.
  if (rv.redactionAuthRule && event.type === AuthEventType.Redaction) return checkRedactionV1(event, senderLevel, ctx);
  // "Otherwise, allow."
  return ALLOW;
}

/** v1–v2 rule 11: "If the sender's power level is greater than or equal to the redact level,
 *  allow. If the domain of the event_id of the event being redacted is the same as the domain of
 *  the event_id of the m.room.redaction, allow. Otherwise, reject." */
function checkRedactionV1(event: EventView, senderLevel: number, ctx: RuleContext): AuthResult {
  if (senderLevel >= namedLevel(ctx.powerLevels, 'redact')) return ALLOW;
  const redacts = event.redacts;
  const domain = redacts === undefined ? undefined : domainOf(redacts);
  if (domain !== undefined && domain === domainOf(event.eventId)) return ALLOW;
  return deny('the sender may not redact events of another server');
}
