// Client-Server API, "Fully read markers" (read_markers.yaml): one call that moves the fully
// read marker (m.fully_read room account data) and the read receipts together.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { ReceiptType } from '../../protocol/constants.ts';
import type { SyncapiContext } from '../context.ts';
import { mustBeJoined } from './membership-check.ts';
import { mustBeRoomEvent, sendReceipt, setFullyRead } from './receipts.ts';

export function readMarkersOps(ctx: SyncapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/read_markers
    op(
      {
        method: 'POST',
        path: '/rooms/:roomId/read_markers',
        access: 'user-or-guest',
        rateLimited: true,
        body: v.object({ 'm.fully_read': v.string().opt(), 'm.read': v.string().opt(), 'm.read.private': v.string().opt() }),
      },
      async function setReadMarker({ params, body, requester }) {
        const roomId = params.roomId!;
        const userId = requester.userId;
        await mustBeJoined(ctx, roomId, userId);
        for (const id of [body['m.fully_read'], body['m.read'], body['m.read.private']]) if (id !== undefined) await mustBeRoomEvent(ctx, roomId, id);
        if (body['m.fully_read'] !== undefined) await setFullyRead(ctx, userId, roomId, body['m.fully_read']);
        for (const type of [ReceiptType.Read, ReceiptType.ReadPrivate] as const) {
          const eventId = body[type];
          if (eventId !== undefined) await sendReceipt(ctx, { roomId, userId, receiptType: type, eventId, ts: ctx.now() });
        }
        return {};
      },
    ),
  ];
}
