// Joining a restricted room without an invite (Client-Server API, "Restricted rooms"): "the
// server MUST verify that the requesting user meets at least one of the conditions" (joined to
// one of the `m.room_membership` rooms), and the join names a local user able to invite in
// `join_authorised_via_users_server`, which the auth rules check (room versions 8+, rule 4.3.3).
import { forbidden } from '../../http/errors.ts';
import { JoinRule, JoinRuleAllowType, Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { namedLevel, userLevel } from '../../protocol/power-levels.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { currentPowerLevels } from './power.ts';

export const JOIN_AUTHORISED_VIA = 'join_authorised_via_users_server';

/** Whether the join rule restricts joins in this room version. */
export function isRestricted(joinRule: unknown, version: RoomVersion): boolean {
  if (joinRule === JoinRule.Restricted) return version.restrictedJoins;
  if (joinRule === JoinRule.KnockRestricted) return version.knockRestricted;
  return false;
}

/** The room IDs of the rule's `m.room_membership` conditions. */
export function allowedRooms(joinRules: Record<string, unknown> | undefined): string[] {
  const allow = joinRules?.allow;
  if (!Array.isArray(allow)) return [];
  return allow.flatMap((c) =>
    c && typeof c === 'object' && (c as Record<string, unknown>).type === JoinRuleAllowType.RoomMembership && typeof (c as Record<string, unknown>).room_id === 'string'
      ? [(c as Record<string, string>).room_id!]
      : [],
  );
}

/**
 * The local user who authorises a restricted join, or undefined when the join needs none (the
 * rule is not restricted here, or the user is invited or joined already). 403 when the user meets
 * no condition, or when no local member may invite.
 */
export async function joinAuthoriser(
  ctx: RoomsContext,
  roomId: string,
  userId: string,
  version: RoomVersion,
  joinRules: Record<string, unknown> | undefined,
  membership: string | undefined,
): Promise<string | undefined> {
  if (!isRestricted(joinRules?.join_rule, version)) return undefined;
  if (membership === Membership.Invite || membership === Membership.Join) return undefined;
  let satisfied = false;
  for (const other of allowedRooms(joinRules)) {
    if ((await ctx.rooms.membership(other, userId))?.membership === Membership.Join) {
      satisfied = true;
      break;
    }
  }
  if (!satisfied) throw forbidden('You do not meet any of the conditions to join this room');
  const pl = await currentPowerLevels(ctx.rooms, roomId, version);
  const needed = namedLevel(pl, 'invite');
  for (const member of await ctx.rooms.joinedMembers(roomId)) {
    if (serverNameOf(member) === ctx.serverName && userLevel(pl, member) >= needed) return member;
  }
  throw forbidden('No user of this server can authorise your join to this room');
}
