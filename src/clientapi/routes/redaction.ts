// Client-Server API, "Redactions" (redaction.yaml): PUT /rooms/{roomId}/redact/{eventId}/{txnId},
// idempotent per device and transaction. The event must be in this room (400 otherwise, as SyTest
// expects) and the sender allowed to redact it (rooms/event-checks.ts).
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom } from '../rooms/access.ts';
import { checkContentSize, checkRedaction, redactionPrototype } from '../rooms/event-checks.ts';
import { txnKey } from '../rooms/txns.ts';

// Other keys are kept in the redaction's content, as any event content.
const redactBody = v.object({ reason: v.string().opt() });

async function redact(ctx: RoomsContext, requester: Requester, roomId: string, eventId: string, body: JsonObject, txnId?: string) {
  const idempotencyKey = txnId === undefined ? undefined : txnKey(requester.deviceId, 'redact', roomId, eventId, txnId);
  // The checks read the room as it is now, which a first attempt may have changed.
  const sent = idempotencyKey === undefined ? null : await ctx.rooms.sentEvent(requester.userId, idempotencyKey);
  if (sent) return sent.eventId;
  const version = await knownRoom(ctx.rooms, roomId);
  checkContentSize(body);
  await checkRedaction(ctx, requester.userId, roomId, version, eventId);
  const txn = txnId === undefined ? undefined : { deviceId: requester.deviceId, txnId };
  const event = redactionPrototype(eventId, body);
  const { eventId: redactionId } = await ctx.rooms.sendEvent({ roomId, sender: requester.userId, event, txn, idempotencyKey });
  return redactionId;
}

export function redactionOps(ctx: RoomsContext): Operation[] {
  return [
    // PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}
    op(
      { method: 'PUT', path: '/rooms/:roomId/redact/:eventId/:txnId', access: 'user', rateLimited: true, body: redactBody },
      async function redactEvent({ params, body, requester }) {
        const { roomId, eventId, txnId } = params as { roomId: string; eventId: string; txnId: string };
        return { event_id: await redact(ctx, requester, roomId, eventId, body as JsonObject, txnId) };
      },
    ),

    // POST /_matrix/client/r0/rooms/{roomId}/redact/{eventId}
    // NOTSPEC: the r0 form without a transaction ID, which SyTest still uses. Not idempotent.
    op(
      { method: 'POST', path: '/rooms/:roomId/redact/:eventId', access: 'user', rateLimited: true, body: redactBody },
      async function redactEventWithoutTxn({ params, body, requester }) {
        return { event_id: await redact(ctx, requester, params.roomId!, params.eventId!, body as JsonObject) };
      },
    ),
  ];
}
