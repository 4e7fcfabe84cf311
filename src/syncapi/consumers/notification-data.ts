// OutputNotificationData -> unread notification counts per user and room, relayed to /sync as
// unread_notifications (Client-Server API, "Receiving notifications").
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import type { OutputNotificationData } from '../api.ts';
import type { SyncapiContext } from '../context.ts';
import { upsertNotificationData } from '../storage/notification-data.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const NOTIFICATION_DATA_DURABLE = 'SyncAPINotificationDataConsumer';

export function startNotificationDataConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputNotificationData, durable: NOTIFICATION_DATA_DURABLE }, async (msg) => {
    const n = msg.json<OutputNotificationData>();
    const pos = await ctx.db.transaction(async (tx) => {
      const p = await nextPositions(tx, 'notification');
      await upsertNotificationData(tx, { ...n, pos: p });
      return p;
    });
    ctx.unread.updated(n.userId, n.roomId, n);
    ctx.notifier.setPosition('notification', pos);
    ctx.notifier.wakeUsers([n.userId]);
    ctx.progress.handled(STREAM.OutputNotificationData, msg.seq);
  });
}
