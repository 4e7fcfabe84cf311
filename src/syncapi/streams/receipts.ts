// The receipt stream: m.receipt in joined rooms' ephemeral events (Client-Server API,
// "Receipts"). Private read receipts go only to their owner; receipts of ignored users are left
// out. Rooms new to the client get every receipt they have.
import { EphemeralType, ReceiptType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { type ReceiptRow, selectAllReceipts, selectReceipts } from '../storage/receipts.ts';
import { eventMatches, matchesNothing, roomAllowed } from '../sync/filter.ts';
import { type SyncRequest, type SyncStream, joinedRoom } from './types.ts';

export class ReceiptsStream implements SyncStream {
  readonly key = 'receipt' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const f = req.filter.room.ephemeral;
    if (matchesNothing(f) || !eventMatches(f, { type: EphemeralType.Receipt, sender: req.userId })) return to;
    const rooms = [...req.joinedRooms].filter((r) => roomAllowed(req.filter, r) && !f.notRooms?.has(r) && (!f.rooms || f.rooms.has(r)));
    const wanted = new Set(rooms);
    let rows: ReceiptRow[];
    if (from === 0) rows = await selectReceipts(req.ctx.db, rooms, 0, to);
    else {
      rows = (await selectAllReceipts(req.ctx.db, from, to)).filter((r) => wanted.has(r.roomId) && !req.newlyJoinedRooms.has(r.roomId));
      const fresh = rooms.filter((r) => req.newlyJoinedRooms.has(r));
      rows.push(...(await selectReceipts(req.ctx.db, fresh, 0, to)));
    }
    const byRoom = new Map<string, JsonObject>();
    for (const r of rows) {
      if (r.receiptType === ReceiptType.ReadPrivate && r.userId !== req.userId) continue;
      if (req.ignored.has(r.userId)) continue;
      let content = byRoom.get(r.roomId);
      if (!content) byRoom.set(r.roomId, (content = {}));
      const forEvent = (content[r.eventId] ??= {}) as JsonObject;
      const forType = (forEvent[r.receiptType] ??= {}) as JsonObject;
      forType[r.userId] = r.threadId === '' ? { ts: r.ts } : { ts: r.ts, thread_id: r.threadId };
    }
    for (const [roomId, content] of byRoom) joinedRoom(req, roomId).ephemeral.events.push({ type: EphemeralType.Receipt, content });
    return to;
  }
}
