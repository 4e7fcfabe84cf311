// OutputReceiptEvent -> the receipt stream (Client-Server API, "Receipts"). Receipts only move
// forward: one for an event older than the user's current receipt of that type and thread is
// dropped. Private receipts (m.read.private) wake only their owner.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import { ReceiptType } from '../../protocol/constants.ts';
import type { OutputReceiptEvent } from '../api.ts';
import type { SyncapiContext } from '../context.ts';
import { selectByEventIds } from '../storage/output-room-events.ts';
import { selectReceipt, upsertReceipt } from '../storage/receipts.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const RECEIPTS_DURABLE = 'SyncAPIReceiptConsumer';

export function startReceiptsConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputReceiptEvent, durable: RECEIPTS_DURABLE }, async (msg) => {
    const r = msg.json<OutputReceiptEvent>();
    const threadId = r.threadId ?? '';
    const pos = await ctx.db.transaction(async (tx) => {
      const old = await selectReceipt(tx, r.roomId, r.receiptType, r.userId, threadId);
      if (old && (await isOlder(tx, r.eventId, old.eventId))) return 0;
      const p = await nextPositions(tx, 'receipt');
      await upsertReceipt(tx, { pos: p, roomId: r.roomId, receiptType: r.receiptType, userId: r.userId, threadId, eventId: r.eventId, ts: r.ts });
      return p;
    });
    if (pos > 0) {
      ctx.notifier.setPosition('receipt', pos);
      if (r.receiptType === ReceiptType.ReadPrivate) ctx.notifier.wakeUsers([r.userId]);
      else ctx.notifier.wakeRoom(r.roomId);
    }
    ctx.progress.handled(STREAM.OutputReceiptEvent, msg.seq);
  });
}

/** Whether `eventId` comes before `than` in the stream (unknown events are not older). */
async function isOlder(tx: Parameters<typeof selectByEventIds>[0], eventId: string, than: string): Promise<boolean> {
  if (eventId === than) return false;
  const rows = await selectByEventIds(tx, [eventId, than]);
  const a = rows.find((x) => x.eventId === eventId);
  const b = rows.find((x) => x.eventId === than);
  return a !== undefined && b !== undefined && a.pos < b.pos;
}
