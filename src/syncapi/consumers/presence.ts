// OutputPresenceEvent -> the presence stream (Client-Server API, "Presence"); wakes the users who
// share a room with the user. Other servers' presence is taken only with presence.enable_inbound.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import { Membership } from '../../protocol/constants.ts';
import type { OutputPresenceEvent } from '../api.ts';
import { isLocalUser, type SyncapiContext } from '../context.ts';
import { selectRoomsForUser } from '../storage/current-room-state.ts';
import { upsertPresence } from '../storage/presence.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const PRESENCE_DURABLE = 'SyncAPIPresenceConsumer';

export function startPresenceConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputPresenceEvent, durable: PRESENCE_DURABLE }, async (msg) => {
    const p = msg.json<OutputPresenceEvent>();
    const local = isLocalUser(ctx, p.userId);
    if (local || ctx.presence.inbound) {
      const pos = await ctx.db.transaction(async (tx) => {
        const next = await nextPositions(tx, 'presence');
        await upsertPresence(tx, { userId: p.userId, presence: p.presence, statusMsg: p.statusMsg ?? null, lastActiveTs: p.lastActiveTs, pos: next });
        return next;
      });
      ctx.notifier.setPosition('presence', pos);
      if (local) ctx.notifier.wakeUsers(ctx.notifier.usersSharingRoomsWith(p.userId));
      else for (const r of await selectRoomsForUser(ctx.db, p.userId, [Membership.Join])) ctx.notifier.wakeRoom(r.roomId);
    }
    ctx.progress.handled(STREAM.OutputPresenceEvent, msg.seq);
  });
}
