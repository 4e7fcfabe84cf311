// The room side of account changes, through the room server when the process has one:
// profile changes update the user's m.room.member events (Client-Server API, "Events on Change of
// Profile Information"), and a deactivated user leaves their rooms. Failures in one room are
// logged and do not stop the others: the account change itself has already happened.
import { AuthEventType, Membership } from '../protocol/auth/names.ts';
import type { JsonObject } from '../protocol/event.ts';
import type { ClientapiContext } from './context.ts';

const MEMBER = AuthEventType.Member;

export async function propagateProfile(ctx: ClientapiContext, userId: string): Promise<void> {
  const rs = ctx.roomserver;
  if (!rs) return;
  const profile = (await ctx.userapi.getProfile(userId)) ?? {};
  for (const { roomId } of await rs.roomsForUser(userId, [Membership.Join])) {
    try {
      const current = await rs.stateEvent(roomId, MEMBER, userId);
      const content: JsonObject = { ...(current?.json.content ?? {}), membership: Membership.Join };
      for (const key of ['displayname', 'avatar_url'] as const) {
        const value = profile[key];
        if (typeof value === 'string') content[key] = value;
        else delete content[key];
      }
      await rs.sendEvent({ roomId, sender: userId, event: { type: MEMBER, stateKey: userId, content } });
    } catch (error) {
      ctx.log.warn('profile update not sent to room', { roomId, userId, error });
    }
  }
}

export async function leaveAllRooms(ctx: ClientapiContext, userId: string): Promise<void> {
  const rs = ctx.roomserver;
  if (!rs) return;
  for (const { roomId } of await rs.roomsForUser(userId, [Membership.Join, Membership.Invite, Membership.Knock])) {
    try {
      await rs.sendEvent({ roomId, sender: userId, event: { type: MEMBER, stateKey: userId, content: { membership: Membership.Leave } } });
    } catch (error) {
      ctx.log.warn('deactivated user could not leave room', { roomId, userId, error });
    }
  }
}
