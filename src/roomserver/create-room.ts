// createRoom: the create event, then the initial events in order, all in one transaction
// (Client-Server API, "Creation"). Room IDs: `!<random>:<server>` up to room version 11, and from
// v12 `!` + the create event's reference hash (rooms/v12, "Event format").
import { randomBytes } from 'node:crypto';
import { MatrixError } from '../http/errors.ts';
import { AuthEventType } from '../protocol/auth/names.ts';
import type { JsonObject } from '../protocol/event.ts';
import type { CreateRoomRequest } from './api.ts';
import type { RoomserverContext } from './context.ts';
import { WriteBatch } from './input/batch.ts';
import { prepareLocalEvent } from './input/local-event.ts';
import { persist } from './input/persist.ts';
import { assertLocalUser } from './input/send-event.ts';
import { versionOrThrow, type RoomInfo } from './room-info.ts';
import { EMPTY_SNAPSHOT } from './state/snapshot.ts';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A fresh room ID for room versions whose IDs are not derived from the create event. */
export function newRoomId(serverName: string): string {
  return `!${randomLocalpart()}:${serverName}`;
}

function randomLocalpart(): string {
  const bytes = randomBytes(18);
  let out = '';
  for (const b of bytes) out += ID_CHARS[b % ID_CHARS.length];
  return out;
}

/** `roomId`: chosen in advance (upgrades name the new room in the tombstone first); v1–v11 only. */
export async function createRoom(ctx: RoomserverContext, req: CreateRoomRequest, roomId?: string): Promise<{ roomId: string }> {
  const rv = versionOrThrow(req.roomVersion);
  assertLocalUser(ctx, req.creator);
  for (const e of req.initialEvents) if (e.sender !== undefined) assertLocalUser(ctx, e.sender);
  const content: JsonObject = { ...req.createContent, room_version: rv.id };
  if (!rv.creatorIsSender) content.creator = req.creator;

  // Nobody can address the room before it exists, so its queue is keyed by a one-off token.
  const token = `create:${randomLocalpart()}`;
  const created = await ctx.queues.run(token, async () => {
    for (let attempt = 0; ; attempt++) {
      const batch = new WriteBatch();
      let room: RoomInfo = {
        nid: ctx.counters.room.next(),
        roomId: rv.roomIdFromCreateEvent ? '' : (roomId ?? newRoomId(ctx.serverName)),
        version: rv,
        snapshot: EMPTY_SNAPSHOT,
        extremities: [],
        lastSentNid: 0,
      };
      batch.newRooms.add(room.nid);
      const ts = ctx.now() + attempt;
      ({ room } = await prepareLocalEvent(ctx, batch, room, {
        sender: req.creator,
        event: { type: AuthEventType.Create, stateKey: '', content },
        originServerTs: ts,
      }));
      // Two identical create events in the same millisecond name the same v12 room: try again
      // one millisecond later.
      if ((await ctx.rooms.get(room.roomId)) !== null) {
        if (attempt < 5 && roomId === undefined) continue;
        throw new MatrixError('M_ROOM_IN_USE', `room ${room.roomId} already exists`);
      }
      for (const e of req.initialEvents) {
        const { sender, ...event } = e;
        ({ room } = await prepareLocalEvent(ctx, batch, room, { sender: sender ?? req.creator, event, originServerTs: ts }));
      }
      await persist(ctx, batch);
      return { roomId: room.roomId, published: ctx.output.publish(batch.outputs) };
    }
  });
  await created.published;
  return { roomId: created.roomId };
}
