// Event templates (Server-Server API, "Joining Rooms", "Knocking upon a room", "Leaving Rooms"):
// the event a user would send now, built exactly as one of our own (prev_events, auth_events,
// depth from the current state and extremities) and authorised against the current state, then
// handed out unsigned and not stored. The other server completes it (hashes, signature, event ID)
// and sends it back through send_join / send_knock / send_leave, or, for our own invites, the
// invited server signs it too before we input it.
import { MatrixError } from '../http/errors.ts';
import type { PduJson } from '../protocol/event.ts';
import type { EventPrototype } from './api.ts';
import type { RoomserverContext } from './context.ts';
import { WriteBatch } from './input/batch.ts';
import { buildLocalEvent } from './input/build-event.ts';
import { authoriseLocal } from './input/check-auth.ts';
import { metasByNid } from './input/load.ts';
import { withJoinAuthoriser } from './input/restricted-join.ts';
import { stateAfterEvents } from './input/state-before.ts';
import { chooseLocalPrevs } from './input/update-extremities.ts';

export async function eventTemplate(
  ctx: RoomserverContext,
  req: { roomId: string; sender: string; event: EventPrototype },
): Promise<{ roomVersion: string; event: PduJson }> {
  const room = await ctx.rooms.get(req.roomId);
  if (!room || room.extremities.length === 0) throw new MatrixError('M_NOT_FOUND', `Unknown room ${req.roomId}`);
  // Reads only: a batch is just the scratch space the builders expect.
  const batch = new WriteBatch();
  const prevs = chooseLocalPrevs(room.extremities);
  const stateBefore =
    prevs.length === room.extremities.length
      ? room.snapshot
      : await stateAfterEvents(ctx, batch, room, [...(await metasByNid(ctx, batch, prevs.map((p) => p.nid))).values()]);
  const event = await withJoinAuthoriser(ctx, batch, room, req.sender, req.event);
  const now = ctx.now();
  const built = await buildLocalEvent(ctx, batch, room, stateBefore, prevs, { sender: req.sender, event, originServerTs: now });
  authoriseLocal(ctx, built.view, built.authState, room.version);
  const { hashes: _h, signatures: _s, unsigned: _u, event_id: _id, ...template } = built.pdu;
  return { roomVersion: room.version.id, event: { ...template, origin: ctx.serverName, origin_server_ts: now } as PduJson };
}
