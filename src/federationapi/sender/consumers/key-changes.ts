// OutputKeyChangeEvent -> m.device_list_update and m.signing_key_update EDUs when one of our
// users' devices or keys change, to every server sharing a room with them (Server-Server API,
// "Device Management"). Changes only one user may see (user-signing keys) are not sent.
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import type { OutputKeyChangeEvent } from '../../../keyserver/api.ts';
import { isLocal } from '../../context.ts';
import { deviceChangeEdus } from '../device-lists.ts';
import { type Outbound, serversSharingRoomsWith } from './outbound.ts';

export const KEY_CHANGES_DURABLE = 'FederationAPIKeyChangeConsumer';

export function consumeKeyChanges(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputKeyChangeEvent, durable: KEY_CHANGES_DURABLE }, async (msg) => {
    const k = msg.json<OutputKeyChangeEvent>();
    if (k.kind !== 'keys' || k.onlyFor !== undefined || !isLocal(ctx, k.userId)) return;
    const edus = await deviceChangeEdus(ctx, k.userId);
    if (edus.length === 0) return;
    const servers = await serversSharingRoomsWith(out, k.userId);
    for (const edu of edus) await out.queues.sendEdu(servers, edu);
  });
}
