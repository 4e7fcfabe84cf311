// The account data stream (Client-Server API, "Client Config"; tags and m.fully_read are room
// account data): global account data at the top level, room account data in each joined or left
// room of the response. The index says what changed; the content comes from the user API.
import type { JsonObject } from '../../protocol/event.ts';
import type { AccountDataSnapshot } from '../../userapi/api.ts';
import { selectAccountDataChanges } from '../storage/account-data.ts';
import { eventMatches, roomAllowed } from '../sync/filter.ts';
import { type SyncRequest, type SyncStream, joinedRoom } from './types.ts';

/** Past this many changes one snapshot of everything is cheaper than one call per change. */
const SNAPSHOT_AFTER = 20;

export class AccountDataStream implements SyncStream {
  readonly key = 'accountData' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const { userapi } = req.ctx;
    const fresh = [...req.newlyJoinedRooms];
    if (from === 0) {
      this.addSnapshot(req, await userapi.allAccountData(req.userId), new Set(req.joinedRooms));
      return to;
    }
    const changes = await selectAccountDataChanges(req.ctx.db, req.userId, from, to);
    if (changes.length === 0 && fresh.length === 0) return to;
    if (changes.length > SNAPSHOT_AFTER || fresh.length > 0) {
      const snap = await userapi.allAccountData(req.userId);
      const changed = new Set(changes.map((c) => `${c.roomId}\u0000${c.type}`));
      const keep: AccountDataSnapshot = { global: {}, rooms: {} };
      for (const [type, content] of Object.entries(snap.global)) if (changed.has(`\u0000${type}`)) keep.global[type] = content;
      for (const [roomId, types] of Object.entries(snap.rooms)) {
        for (const [type, content] of Object.entries(types)) {
          if (changed.has(`${roomId}\u0000${type}`) || req.newlyJoinedRooms.has(roomId)) (keep.rooms[roomId] ??= {})[type] = content;
        }
      }
      this.addSnapshot(req, keep, new Set(req.joinedRooms));
      return to;
    }
    const snap: AccountDataSnapshot = { global: {}, rooms: {} };
    for (const c of changes) {
      const content = await userapi.getAccountData(req.userId, c.roomId, c.type);
      if (content == null) continue;
      if (c.roomId === '') snap.global[c.type] = content;
      else (snap.rooms[c.roomId] ??= {})[c.type] = content;
    }
    this.addSnapshot(req, snap, new Set(req.joinedRooms));
    return to;
  }

  private addSnapshot(req: SyncRequest, snap: AccountDataSnapshot, joined: Set<string>): void {
    const f = req.filter;
    for (const [type, content] of Object.entries(snap.global)) {
      if (eventMatches(f.accountData, { type, sender: req.userId })) req.response.account_data.events.push({ type, content: content as JsonObject });
    }
    const rf = f.room.accountData;
    for (const [roomId, types] of Object.entries(snap.rooms)) {
      if (!roomAllowed(f, roomId)) continue;
      const left = req.response.rooms.leave[roomId];
      if (!joined.has(roomId) && !left) continue;
      for (const [type, content] of Object.entries(types)) {
        if (!eventMatches(rf, { type, sender: req.userId, roomId })) continue;
        const ev = { type, content: content as JsonObject };
        if (left) left.account_data.events.push(ev);
        else joinedRoom(req, roomId).account_data.events.push(ev);
      }
    }
  }
}
