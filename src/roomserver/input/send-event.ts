// sendEvent: one of our users' events into a room we are in (DESIGN.md, "How a message flows").
// Resolves once the event is stored and on the OutputRoomEvent stream; the room's queue moves on
// to its next event as soon as the transaction commits.
import { MatrixError } from '../../http/errors.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { SendEventRequest } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { WriteBatch } from './batch.ts';
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
  const { result, published } = await ctx.queues.run(req.roomId, async () => {
    const room = await ctx.rooms.require(req.roomId);
    const batch = new WriteBatch();
    const event = await withJoinAuthoriser(ctx, batch, room, req.sender, req.event);
    const { event: prepared } = await prepareLocalEvent(ctx, batch, room, {
      sender: req.sender,
      event,
      originServerTs: req.originServerTs ?? ctx.now(),
      txn: req.txn,
    });
    await persist(ctx, batch);
    return { result: { eventId: prepared.view.eventId, nid: prepared.nid }, published: ctx.output.publish(batch.outputs) };
  });
  await published;
  return result;
}
