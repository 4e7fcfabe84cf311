// sendEvent: one of our users' events into a room we are in (DESIGN.md, "How a message flows").
// Resolves once the event is stored and on the OutputRoomEvent stream; the room's queue moves on
// to its next event as soon as the transaction commits. With an idempotency key, a repeat answers
// the first event (idempotency.ts).
import { MatrixError } from '../../http/errors.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { SendEventRequest } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { WriteBatch } from './batch.ts';
import type { SentEvent } from './idempotency.ts';
import { prepareLocalEvent } from './local-event.ts';
import { persist } from './persist.ts';
import { withJoinAuthoriser } from './restricted-join.ts';

export function assertLocalUser(ctx: RoomserverContext, userId: string): void {
  if (serverNameOf(userId) !== ctx.serverName) {
    throw new MatrixError('M_FORBIDDEN', `${userId} is not a user of this server, which cannot sign events for it`);
  }
}

export async function sendEvent(ctx: RoomserverContext, req: SendEventRequest): Promise<{ eventId: string; nid: number }> {
  assertLocalUser(ctx, req.sender);
  const key = req.idempotencyKey;
  const { result, published } = await ctx.queues.run(req.roomId, async () => {
    const seen = key === undefined ? undefined : ctx.idempotency.remembered(req.sender, key);
    if (seen) return { result: seen, published: Promise.resolve() };
    try {
      return await storeEvent(ctx, req);
    } catch (err) {
      // A repeat this process does not remember: its key's row made the insert fail, or the room
      // has moved on so far that the event would be refused now. Either way the first answer stands.
      const stored = key === undefined ? undefined : await ctx.idempotency.stored(req.sender, key);
      if (stored) return { result: stored, published: Promise.resolve() };
      throw err;
    }
  });
  await published;
  return result;
}

async function storeEvent(ctx: RoomserverContext, req: SendEventRequest): Promise<{ result: SentEvent; published: Promise<void> }> {
  const room = await ctx.rooms.require(req.roomId);
  const batch = new WriteBatch();
  const event = await withJoinAuthoriser(ctx, batch, room, req.sender, req.event);
  const { event: prepared } = await prepareLocalEvent(ctx, batch, room, {
    sender: req.sender,
    event,
    originServerTs: req.originServerTs ?? ctx.now(),
    txn: req.txn,
  });
  const result = { eventId: prepared.view.eventId, nid: prepared.nid };
  if (req.idempotencyKey !== undefined) batch.idempotency = { sender: req.sender, key: req.idempotencyKey, ...result, ts: ctx.now() };
  await persist(ctx, batch);
  return { result, published: ctx.output.publish(batch.outputs) };
}
