// Guest access module, "Server behaviour": "If the m.room.guest_access event is changed to stop
// this from being the case [can_join], the server MUST set those users' m.room.member state to
// leave." This server knows which of its own users are guests, so it makes its guests leave.
import { EventType, GuestAccess, Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { RoomsContext } from '../context.ts';

export async function removeGuestsIfForbidden(ctx: RoomsContext, roomId: string, type: string, content: Record<string, unknown>): Promise<void> {
  if (type !== EventType.GuestAccess || content.guest_access === GuestAccess.CanJoin) return;
  for (const userId of await ctx.rooms.joinedMembers(roomId)) {
    if (serverNameOf(userId) !== ctx.serverName) continue;
    const account = await ctx.userapi.getAccount(userId);
    if (account?.kind !== 'guest') continue;
    try {
      // A user may always leave, so the guest's own leave passes the auth rules.
      await ctx.rooms.sendEvent({ roomId, sender: userId, event: { type: EventType.Member, stateKey: userId, content: { membership: Membership.Leave } } });
    } catch (error) {
      ctx.log.warn('guest not removed from room', { roomId, userId, error });
    }
  }
}
