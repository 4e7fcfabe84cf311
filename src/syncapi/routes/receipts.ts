// Client-Server API, "Receipts" (receipts.yaml): POST a read receipt, public (m.read) or private
// (m.read.private), optionally for one thread; m.fully_read here sets the fully read marker.
// Receipts go out on OutputReceiptEvent, which our receipts consumer follows.
import { STREAM } from '../../bus/streams.ts';
import { MatrixError, invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { AccountDataType, ReceiptType } from '../../protocol/constants.ts';
import type { OutputReceiptEvent } from '../api.ts';
import type { SyncapiContext } from '../context.ts';
import { selectByEventId } from '../storage/output-room-events.ts';
import { mustBeJoined } from './membership-check.ts';

const RECEIPT_TYPES = new Set<string>([ReceiptType.Read, ReceiptType.ReadPrivate, ReceiptType.FullyRead]);

/** Publishes a receipt and waits until our consumer stored it (read-your-writes for /sync). */
export async function sendReceipt(ctx: SyncapiContext, r: OutputReceiptEvent): Promise<void> {
  const { seq } = await ctx.bus.publish(STREAM.OutputReceiptEvent, r, { room_id: r.roomId });
  await ctx.progress.waitFor(STREAM.OutputReceiptEvent, seq);
}

/** Sets m.fully_read (room account data, kept by the user API). */
export async function setFullyRead(ctx: SyncapiContext, userId: string, roomId: string, eventId: string): Promise<void> {
  await ctx.userapi.setAccountData(userId, roomId, AccountDataType.FullyRead, { event_id: eventId });
}

/** The event must be one of this room's (a receipt for something else means nothing). */
export async function mustBeRoomEvent(ctx: SyncapiContext, roomId: string, eventId: string): Promise<void> {
  const row = await selectByEventId(ctx.db, eventId);
  if (!row || row.roomId !== roomId) throw notFound(`Unknown event ${eventId} in ${roomId}`);
}

export function receiptsOps(ctx: SyncapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}
    op(
      {
        method: 'POST',
        path: '/rooms/:roomId/receipt/:receiptType/:eventId',
        access: 'user-or-guest',
        rateLimited: true,
        body: v.object({ thread_id: v.string().opt() }),
      },
      async function postReceipt({ params, body, requester }) {
        const { roomId, receiptType, eventId } = params as { roomId: string; receiptType: string; eventId: string };
        if (!RECEIPT_TYPES.has(receiptType)) throw invalidParam(`Unknown receipt type ${receiptType}`);
        await mustBeJoined(ctx, roomId, requester.userId);
        await mustBeRoomEvent(ctx, roomId, eventId);
        if (receiptType === ReceiptType.FullyRead) {
          if (body.thread_id !== undefined) throw new MatrixError('M_INVALID_PARAM', 'm.fully_read cannot be threaded');
          await setFullyRead(ctx, requester.userId, roomId, eventId);
          return {};
        }
        if (body.thread_id === '') throw invalidParam('thread_id must not be empty');
        await sendReceipt(ctx, { roomId, userId: requester.userId, receiptType, eventId, threadId: body.thread_id, ts: ctx.now() });
        return {};
      },
    ),
  ];
}
