// OutputNotificationData -> unread notification counts per user and room, relayed to /sync as
// unread_notifications (Client-Server API, "Receiving notifications"). One message in a room of
// N members brings N of these at once, so they are taken several at a time and written in one
// transaction; counts that did not change take no position and wake nobody.
import { STREAM } from '../../bus/streams.ts';
import type { BusMessage, Subscription } from '../../bus/types.ts';
import type { OutputNotificationData } from '../api.ts';
import type { SyncapiContext } from '../context.ts';
import { selectNotificationCount, upsertNotificationData } from '../storage/notification-data.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const NOTIFICATION_DATA_DURABLE = 'SyncAPINotificationDataConsumer';

/** How many messages may wait for the same transaction. */
const IN_FLIGHT = 64;

export function startNotificationDataConsumer(ctx: SyncapiContext): Promise<Subscription> {
  let batch: { n: OutputNotificationData; seq: number }[] = [];
  let flushing: Promise<void> | undefined;
  /** The previous batch: batches commit one after another, so counts and positions keep order. */
  let previous: Promise<void> = Promise.resolve();

  // Messages handled in one tick share one transaction; later ones wait for the next.
  const flush = async () => {
    await previous.catch(() => undefined);
    const todo = batch;
    batch = [];
    flushing = undefined;
    const changed = await ctx.db.transaction(async (tx) => {
      const out: (OutputNotificationData & { pos: number })[] = [];
      for (const { n } of todo) {
        const old = await selectNotificationCount(tx, n.userId, n.roomId);
        if (old && old.notificationCount === n.notificationCount && old.highlightCount === n.highlightCount) continue;
        const pos = await nextPositions(tx, 'notification');
        await upsertNotificationData(tx, { ...n, pos });
        out.push({ ...n, pos });
      }
      return out;
    });
    for (const c of changed) {
      ctx.unread.updated(c.userId, c.roomId, c);
      ctx.notifier.setPosition('notification', c.pos);
    }
    ctx.notifier.wakeUsers(new Set(changed.map((c) => c.userId)));
    for (const { seq } of todo) ctx.progress.handled(STREAM.OutputNotificationData, seq);
  };

  return ctx.bus.consume(
    { stream: STREAM.OutputNotificationData, durable: NOTIFICATION_DATA_DURABLE, maxInFlight: IN_FLIGHT },
    async (msg: BusMessage) => {
      batch.push({ n: msg.json<OutputNotificationData>(), seq: msg.seq });
      if (!flushing) previous = flushing = flush();
      await flushing;
    },
  );
}
