// Which rooms each device peeks into (MSC2753), in memory over syncapi_peeks: read on every
// sync of the device, written only by POST /peek and /unpeek of this process.
import type { SyncapiContext } from '../context.ts';
import { type PeekRow, deletePeek, selectAllPeeks, upsertPeek } from '../storage/peeks.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export class Peeks {
  /** `${userId}|${deviceId}` -> room -> position where the peek began */
  private readonly devices = new Map<string, Map<string, number>>();

  async load(ctx: SyncapiContext): Promise<void> {
    for (const p of await selectAllPeeks(ctx.db)) this.remember(p);
  }

  of(userId: string, deviceId: string): ReadonlyMap<string, number> {
    return this.devices.get(`${userId}|${deviceId}`) ?? new Map();
  }

  async start(ctx: SyncapiContext, userId: string, deviceId: string, roomId: string): Promise<void> {
    const pos = await ctx.db.transaction(async (tx) => {
      const p = await nextPositions(tx, 'pdu');
      await upsertPeek(tx, { userId, deviceId, roomId, pos: p });
      return p;
    });
    this.remember({ userId, deviceId, roomId, pos });
    ctx.notifier.addRoomMember(roomId, userId);
    ctx.notifier.setPosition('pdu', pos);
    ctx.notifier.wakeUsers([userId]);
  }

  async stop(ctx: SyncapiContext, userId: string, deviceId: string, roomId: string): Promise<void> {
    await ctx.db.transaction((tx) => deletePeek(tx, userId, deviceId, roomId));
    this.devices.get(`${userId}|${deviceId}`)?.delete(roomId);
  }

  private remember(p: PeekRow): void {
    const key = `${p.userId}|${p.deviceId}`;
    let rooms = this.devices.get(key);
    if (!rooms) this.devices.set(key, (rooms = new Map()));
    rooms.set(p.roomId, p.pos);
  }
}
