// The to-device stream (Client-Server API, "Send-to-Device messaging", "Extensions to /sync"):
// the device's inbox in order, at most BATCH messages per response. A `since` at or past a
// message's position proves the device got it, so those are deleted first.
import { deleteToDeviceUpTo, selectToDevice } from '../storage/send-to-device.ts';
import type { SyncapiContext } from '../context.ts';
import type { SyncRequest, SyncStream } from './types.ts';

const BATCH = 100;
const MAX_DEVICES = 50_000;

export class ToDeviceStream implements SyncStream {
  readonly key = 'toDevice' as const;
  /** Per device, the position up to which its inbox is known to be empty, to skip needless deletes. */
  private readonly cleared = new Map<string, number>();

  /** Deletes what a `since` at `upTo` proves the device has received. */
  async acknowledge(ctx: SyncapiContext, userId: string, deviceId: string, upTo: number): Promise<void> {
    const device = `${userId}|${deviceId}`;
    if (upTo <= 0 || upTo <= (this.cleared.get(device) ?? 0)) return;
    await ctx.db.transaction((tx) => deleteToDeviceUpTo(tx, userId, deviceId, upTo));
    if (this.cleared.size >= MAX_DEVICES) this.cleared.delete(this.cleared.keys().next().value!);
    this.cleared.set(device, upTo);
  }

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    await this.acknowledge(req.ctx, req.userId, req.deviceId, from);
    if (from >= to) return to;
    const rows = await selectToDevice(req.ctx.db, req.userId, req.deviceId, from, to, BATCH);
    for (const m of rows) req.response.to_device.events.push({ type: m.type, sender: m.sender, content: m.content as never });
    // With more waiting, the next sync continues after the last one sent.
    return rows.length === BATCH ? rows[rows.length - 1]!.pos : to;
  }
}
