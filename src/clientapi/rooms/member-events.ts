// Sending m.room.member events for the membership endpoints (join, knock, invite, leave, kick,
// ban, unban). Joins, knocks and invites of local users carry the user's displayname and
// avatar_url from their profile, as clients show them (Synapse and Dendrite do the same).
import { canonicalJson } from '../../protocol/canonical-json.ts';
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import * as v from '../../http/schema.ts';
import { parseUserId, serverNameOf } from '../../protocol/identifiers.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { RoomsContext } from '../context.ts';
import { profileContent } from './create-room-plan.ts';

/** The `user_id` of the moderation bodies: a valid user ID (M_INVALID_PARAM otherwise). */
export const targetUser = () => v.string().refine((id) => parseUserId(id).ok, 'must be a valid user ID');

export interface MemberChange {
  roomId: string;
  sender: string;
  target: string;
  membership: string;
  reason?: string;
  /** Further content keys (a join's custom content, join_authorised_via_users_server). */
  extra?: Record<string, unknown>;
  /** Add the target's displayname and avatar_url (local targets only). */
  withProfile?: boolean;
}

export async function memberContent(ctx: RoomsContext, change: MemberChange): Promise<JsonObject> {
  const content: JsonObject = {};
  if (change.withProfile && serverNameOf(change.target) === ctx.serverName) {
    Object.assign(content, profileContent((await ctx.userapi.getProfile(change.target)) ?? undefined));
  }
  // Content the client gave (a join's body) wins over the profile: a per-room name is the
  // user's choice, as it would be through PUT /state/m.room.member.
  Object.assign(content, change.extra ?? {});
  content.membership = change.membership;
  if (change.reason !== undefined) content.reason = change.reason;
  return content;
}

/** Whether an event already in the room has exactly this sender and content (a repeat). */
export function sameEvent(current: StoredEvent | null | undefined, sender: string, content: JsonObject): current is StoredEvent {
  if (!current || current.redactedBecause || current.json.sender !== sender) return false;
  try {
    return canonicalJson(current.json.content) === canonicalJson(content);
  } catch {
    // Content that is not canonical JSON (floats in old rooms) is never treated as a repeat.
    return false;
  }
}

/** Sends the member event and returns its ID. */
export async function sendMember(ctx: RoomsContext, change: MemberChange, content?: JsonObject): Promise<string> {
  const body = content ?? (await memberContent(ctx, change));
  const { eventId } = await ctx.rooms.sendEvent({
    roomId: change.roomId,
    sender: change.sender,
    event: { type: EventType.Member, stateKey: change.target, content: body },
  });
  return eventId;
}
