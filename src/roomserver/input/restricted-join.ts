// Joining a restricted room (room versions 8+, "Restricted rooms"; Client-Server API, "Restricted
// rooms"): a user who is neither invited nor joined may join when they are in one of the rooms the
// join rules allow, and a user of the joining server who can invite vouches for the join with
// `join_authorised_via_users_server`. For local joins the room server picks that user.
import { AuthEventType, JoinRule, Membership } from '../../protocol/auth/names.ts';
import { JoinRuleAllowType } from '../../protocol/constants.ts';
import { stateKeyOf, type JsonObject } from '../../protocol/event.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { namedLevel, roomPowerLevels, userLevel } from '../../protocol/power-levels.ts';
import type { EventPrototype } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import { selectMembersWith, selectMembership } from '../storage/memberships.ts';
import type { WriteBatch } from './batch.ts';
import { stateEvents } from './load.ts';

export async function withJoinAuthoriser(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  sender: string,
  event: EventPrototype,
): Promise<EventPrototype> {
  const rv = room.version;
  const c = event.content;
  if (!rv.restrictedJoins || event.type !== AuthEventType.Member || event.stateKey !== sender) return event;
  if (c.membership !== Membership.Join || c.join_authorised_via_users_server !== undefined) return event;
  const state = await stateEvents(ctx, batch, room.snapshot, [
    [AuthEventType.JoinRules, ''],
    [AuthEventType.Member, sender],
    [AuthEventType.PowerLevels, ''],
    [AuthEventType.Create, ''],
  ]);
  const rules = state.get(stateKeyOf(AuthEventType.JoinRules, ''))?.content;
  const rule = rules?.join_rule;
  if (rule !== JoinRule.Restricted && !(rv.knockRestricted && rule === JoinRule.KnockRestricted)) return event;
  const current = state.get(stateKeyOf(AuthEventType.Member, sender))?.content.membership;
  if (current === Membership.Join || current === Membership.Invite) return event;
  if (!(await inAllowedRoom(ctx, sender, rules!))) return event;

  const pl = roomPowerLevels(state.get(stateKeyOf(AuthEventType.PowerLevels, '')), state.get(stateKeyOf(AuthEventType.Create, '')), rv);
  const inviteLevel = namedLevel(pl, 'invite');
  const candidates = [...pl.creators, ...(pl.content?.users.keys() ?? [])]
    .filter((u) => serverNameOf(u) === ctx.serverName && userLevel(pl, u) >= inviteLevel)
    .sort((a, b) => userLevel(pl, b) - userLevel(pl, a));
  const members = await stateEvents(ctx, batch, room.snapshot, candidates.map((u) => [AuthEventType.Member, u] as const));
  let authoriser = candidates.find((u) => members.get(stateKeyOf(AuthEventType.Member, u))?.content.membership === Membership.Join);
  if (authoriser === undefined && (pl.content?.levels.users_default ?? 0) >= inviteLevel) {
    // Everyone may invite (users_default is high enough): any local joined member vouches.
    const joined = await selectMembersWith(ctx.db, room.nid, Membership.Join);
    authoriser = joined.map((r) => r.user_id).find((u) => serverNameOf(u) === ctx.serverName && userLevel(pl, u) >= inviteLevel);
  }
  if (authoriser === undefined) return event;
  return { ...event, content: { ...c, join_authorised_via_users_server: authoriser } };
}

async function inAllowedRoom(ctx: RoomserverContext, userId: string, rules: JsonObject): Promise<boolean> {
  const allow = Array.isArray(rules.allow) ? rules.allow : [];
  const userNid = (await ctx.stateKeys.find([userId])).get(userId);
  if (userNid === undefined) return false;
  for (const entry of allow) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    if (entry.type !== JoinRuleAllowType.RoomMembership || typeof entry.room_id !== 'string') continue;
    const other = await ctx.rooms.get(entry.room_id);
    if (!other) continue;
    const row = await selectMembership(ctx.db, other.nid, userNid);
    if (row?.membership === Membership.Join) return true;
  }
  return false;
}
