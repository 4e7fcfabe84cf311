// OutputReceiptEvent -> m.receipt EDUs for our users' public read receipts, to the other servers
// in the room (Server-Server API, "Receipts"). Private receipts stay here.
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import { EduType, ReceiptType } from '../../../protocol/constants.ts';
import type { OutputReceiptEvent } from '../../../syncapi/api.ts';
import { isLocal } from '../../context.ts';
import { type Outbound, otherServersIn } from './outbound.ts';

export const RECEIPTS_DURABLE = 'FederationAPIReceiptConsumer';

export function consumeReceipts(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputReceiptEvent, durable: RECEIPTS_DURABLE }, async (msg) => {
    const r = msg.json<OutputReceiptEvent>();
    if (r.receiptType !== ReceiptType.Read || !isLocal(ctx, r.userId)) return;
    const data = { ts: r.ts, ...(r.threadId !== undefined ? { thread_id: r.threadId } : {}) };
    const edu = { edu_type: EduType.Receipt, content: { [r.roomId]: { [ReceiptType.Read]: { [r.userId]: { event_ids: [r.eventId], data } } } } };
    await out.queues.sendEdu(await otherServersIn(out, r.roomId), edu);
  });
}
