// OutputReceiptEvent -> read notifications (Client-Server API, "Marking notifications as read").
// A user's own m.read or m.read.private receipt reads their notifications in the room up to and
// including its event: all of them for an unthreaded receipt, only the main timeline's for
// thread_id "main", only one thread's for a thread root. Marking is one-way, so whichever of
// the two receipt types is further ahead wins, as the spec asks.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import { ReceiptType } from '../../protocol/constants.ts';
import type { OutputReceiptEvent } from '../../syncapi/api.ts';
import { markRead } from '../storage/notifications.ts';
import { localpartOf } from '../user-id.ts';
import type { PushContext } from './context.ts';
import { publishCounts } from './counts.ts';
import { pushBadge } from './pushes.ts';
import { MAIN_THREAD } from './threads.ts';

export const RECEIPTS_DURABLE = 'UserAPIPushReceipts';

/** The `thread_id` of a threaded receipt for the main timeline. */
const MAIN_RECEIPT_THREAD = 'main';

export async function applyReceipt(ctx: PushContext, r: OutputReceiptEvent): Promise<void> {
  if (r.receiptType !== ReceiptType.Read && r.receiptType !== ReceiptType.ReadPrivate) return;
  const localpart = localpartOf(r.userId, ctx.serverName);
  if (localpart === null) return;
  const [event] = await ctx.roomserver!.eventsById([r.eventId]);
  if (!event || event.roomId !== r.roomId) return;
  const thread = r.threadId == null ? undefined : r.threadId === MAIN_RECEIPT_THREAD ? MAIN_THREAD : r.threadId;
  const changed = await ctx.db.transaction((tx) => markRead(tx, localpart, r.roomId, event.nid, thread));
  if (changed === 0) return;
  await publishCounts(ctx, r.roomId, [{ userId: r.userId, localpart }]);
  await pushBadge(ctx, r.userId, localpart);
}

export function consumeReceipts(ctx: PushContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputReceiptEvent, durable: RECEIPTS_DURABLE }, (m) => applyReceipt(ctx, m.json<OutputReceiptEvent>()));
}
