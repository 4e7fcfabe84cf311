// OutputSendToDeviceEvent -> each local recipient device's inbox (Client-Server API,
// "Send-to-Device messaging"); other servers' users are left to the federation sender.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import type { OutputSendToDeviceEvent } from '../api.ts';
import { isLocalUser, type SyncapiContext } from '../context.ts';
import { insertToDevice } from '../storage/send-to-device.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const SEND_TO_DEVICE_DURABLE = 'SyncAPISendToDeviceConsumer';

export function startSendToDeviceConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputSendToDeviceEvent, durable: SEND_TO_DEVICE_DURABLE }, async (msg) => {
    const m = msg.json<OutputSendToDeviceEvent>();
    if (isLocalUser(ctx, m.userId)) {
      const pos = await ctx.db.transaction(async (tx) => {
        const p = await nextPositions(tx, 'toDevice');
        await insertToDevice(tx, { pos: p, userId: m.userId, deviceId: m.deviceId, sender: m.sender, type: m.type, content: m.content });
        return p;
      });
      ctx.notifier.setPosition('toDevice', pos);
      ctx.notifier.wakeUsers([m.userId]);
    }
    ctx.progress.handled(STREAM.OutputSendToDeviceEvent, msg.seq);
  });
}
