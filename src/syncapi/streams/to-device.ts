// The to-device stream (Client-Server API, "Send-to-Device messaging", "Extensions to /sync"):
// the device's inbox in order, at most BATCH messages per response. A `since` at or past a
// message's position proves the device got it, so those are deleted first.
import { deleteToDeviceUpTo, selectToDevice } from '../storage/send-to-device.ts';
import type { SyncRequest, SyncStream } from './types.ts';

const BATCH = 100;

export class ToDeviceStream implements SyncStream {
  readonly key = 'toDevice' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const { db } = req.ctx;
    if (from > 0) await db.transaction((tx) => deleteToDeviceUpTo(tx, req.userId, req.deviceId, from));
    const rows = await selectToDevice(db, req.userId, req.deviceId, from, to, BATCH);
    for (const m of rows) req.response.to_device.events.push({ type: m.type, sender: m.sender, content: m.content as never });
    // With more waiting, the next sync continues after the last one sent.
    return rows.length === BATCH ? rows[rows.length - 1]!.pos : to;
  }
}
