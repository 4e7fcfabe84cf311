// Joins of restricted rooms through this server (Server-Server API, "Restricted rooms"): "A
// resident server processing a request to join a restricted room must ensure that the joining
// server satisfies at least one of the conditions specified by m.room.join_rules". 400
// M_UNABLE_TO_AUTHORISE_JOIN when we cannot check any condition (we are in none of the allowed
// rooms), 403 M_FORBIDDEN when the user fails them all; M_UNABLE_TO_GRANT_JOIN (none of our users
// may invite) is the caller's to raise, when no authoriser could be named.
import { MatrixError, forbidden } from '../../http/errors.ts';
import { EventType, JoinRule, JoinRuleAllowType, Membership } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { FederationContext } from '../context.ts';
import { isResident } from './membership.ts';

export const JOIN_AUTHORISED_VIA = 'join_authorised_via_users_server';

function allowedRooms(rules: JsonObject | undefined): string[] {
  const allow = Array.isArray(rules?.allow) ? rules.allow : [];
  return allow.flatMap((c) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return [];
    return c.type === JoinRuleAllowType.RoomMembership && typeof c.room_id === 'string' ? [c.room_id] : [];
  });
}

/**
 * Whether the user's join needs an authorising user of ours (the room is restricted in its
 * version and the user is neither invited nor joined), after checking that they meet a condition.
 */
export async function needsAuthoriser(ctx: FederationContext, version: RoomVersion, roomId: string, userId: string): Promise<boolean> {
  const rules = (await ctx.roomserver.stateEvent(roomId, EventType.JoinRules, ''))?.json.content;
  const rule = rules?.join_rule;
  const restricted = (rule === JoinRule.Restricted && version.restrictedJoins) || (rule === JoinRule.KnockRestricted && version.knockRestricted);
  if (!restricted) return false;
  const current = (await ctx.roomserver.membership(roomId, userId))?.membership;
  if (current === Membership.Invite || current === Membership.Join) return false;
  const checkable: string[] = [];
  for (const room of allowedRooms(rules)) if (await isResident(ctx, room)) checkable.push(room);
  if (checkable.length === 0) {
    throw new MatrixError('M_UNABLE_TO_AUTHORISE_JOIN', 'This server cannot check any of the conditions to join this room');
  }
  for (const room of checkable) {
    if ((await ctx.roomserver.membership(room, userId))?.membership === Membership.Join) return true;
  }
  throw forbidden('You do not meet any of the conditions to join this room');
}

export const unableToGrant = () =>
  new MatrixError('M_UNABLE_TO_GRANT_JOIN', 'None of the users of this server in the room may invite: try another server');
