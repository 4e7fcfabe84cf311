// Who may write ephemeral data to a room: only its joined members (Client-Server API, "Typing
// Notifications", "Receipts"). Asked of the room server, whose answer is current even when our
// own indexes are a few milliseconds behind a join.
import { forbidden } from '../../http/errors.ts';
import { Membership } from '../../protocol/constants.ts';
import type { SyncapiContext } from '../context.ts';

export async function mustBeJoined(ctx: SyncapiContext, roomId: string, userId: string): Promise<void> {
  const m = await ctx.roomserver.membership(roomId, userId);
  if (m?.membership !== Membership.Join) throw forbidden(`${userId} is not in room ${roomId}`);
}
