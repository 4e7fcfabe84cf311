// OutputKeyChangeEvent (from the key server) -> the device-list position and wake-ups: a user's
// key change concerns everyone sharing a room with them (and their own other devices); a join or
// leave concerns the room's members. Which users end up in device_lists is the key server's
// answer (streams/device-lists.ts); this only makes sure the right syncs look.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import type { OutputKeyChangeEvent } from '../../keyserver/api.ts';
import type { SyncapiContext } from '../context.ts';

export const KEY_CHANGES_DURABLE = 'SyncAPIKeyChangeConsumer';

export function startKeyChangesConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputKeyChangeEvent, durable: KEY_CHANGES_DURABLE }, async (msg) => {
    const k = msg.json<OutputKeyChangeEvent>();
    ctx.notifier.setPosition('deviceList', k.position);
    if (k.onlyFor !== undefined) ctx.notifier.wakeUsers([k.onlyFor]);
    else if (k.roomId !== undefined) ctx.notifier.wakeRoom(k.roomId, [k.userId]);
    else ctx.notifier.wakeUsers(ctx.notifier.usersSharingRoomsWith(k.userId));
    ctx.progress.handled(STREAM.OutputKeyChangeEvent, msg.seq);
  });
}
