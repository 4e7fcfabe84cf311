// Client-Server API, "Sending events to a room" (room_send.yaml):
// PUT /rooms/{roomId}/send/{eventType}/{txnId}, idempotent per device and transaction
// (rooms/txns.ts). m.room.redaction may be sent here in every room version (v1.18) with the same
// permission checks as /redact. The room server builds, authorises and stores the event.
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { EventPrototype } from '../../roomserver/api.ts';
import type { RoomsContext } from '../context.ts';
import { checkRoomId, knownRoom } from '../rooms/access.ts';
import { checkContentSize, checkEventType, checkRedaction, checkTombstone, redactionPrototype, redactsOf } from '../rooms/event-checks.ts';
import { txnKey } from '../rooms/txns.ts';

/** Sends a message event as `requester`; returns its event ID. */
async function sendMessage(ctx: RoomsContext, requester: Requester, roomId: string, type: string, content: JsonObject, txnId?: string) {
  checkRoomId(roomId);
  checkEventType(type);
  checkContentSize(content);
  checkTombstone(roomId, type, content);
  const idempotencyKey = txnId === undefined ? undefined : txnKey(requester.deviceId, 'send', roomId, type, txnId);
  let event: EventPrototype = { type, content };
  if (type === EventType.Redaction) {
    const redacts = redactsOf(content);
    // The checks read the room as it is now, which a first attempt may have changed.
    const sent = idempotencyKey === undefined ? null : await ctx.rooms.sentEvent(requester.userId, idempotencyKey);
    if (sent) return sent.eventId;
    await checkRedaction(ctx, requester.userId, roomId, await knownRoom(ctx.rooms, roomId), redacts);
    event = redactionPrototype(redacts, content);
  }
  const txn = txnId === undefined ? undefined : { deviceId: requester.deviceId, txnId };
  const { eventId } = await ctx.rooms.sendEvent({ roomId, sender: requester.userId, event, txn, idempotencyKey });
  return eventId;
}

export function roomSendOps(ctx: RoomsContext): Operation[] {
  return [
    // PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}
    op(
      { method: 'PUT', path: '/rooms/:roomId/send/:eventType/:txnId', access: 'user-or-guest', rateLimited: true, body: v.anyObject() },
      async function sendMessageWithTxn({ params, body, requester }) {
        const { roomId, eventType, txnId } = params as { roomId: string; eventType: string; txnId: string };
        return { event_id: await sendMessage(ctx, requester, roomId, eventType, body as JsonObject, txnId) };
      },
    ),

    // POST /_matrix/client/r0/rooms/{roomId}/send/{eventType}
    // NOTSPEC: the form without a transaction ID left the spec with r0; SyTest and old clients
    // still use it. It is not idempotent.
    op(
      { method: 'POST', path: '/rooms/:roomId/send/:eventType', access: 'user-or-guest', rateLimited: true, body: v.anyObject() },
      async function sendMessageWithoutTxn({ params, body, requester }) {
        return { event_id: await sendMessage(ctx, requester, params.roomId!, params.eventType!, body as JsonObject) };
      },
    ),
  ];
}
