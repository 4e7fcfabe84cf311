// Follows InputDeviceListUpdate and InputSigningKeyUpdate, which the federation API publishes for
// the m.device_list_update and m.signing_key_update EDUs other servers send (remote-devices.ts).
// One user's updates arrive in order; a message that fails is delivered again.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import type { InputDeviceListUpdate, InputSigningKeyUpdate } from '../../federationapi/api.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { KeyserverContext } from '../context.ts';
import { applyDeviceListUpdate, applySigningKeyUpdate } from '../remote-devices.ts';

export const DEVICE_LIST_UPDATES_DURABLE = 'KeyserverDeviceListUpdates';
export const SIGNING_KEY_UPDATES_DURABLE = 'KeyserverSigningKeyUpdates';

/** Only a user's own server speaks for their devices (the federation API checked this too). */
const fromOwnServer = (u: { origin: string; user_id: string }) => typeof u.user_id === 'string' && serverNameOf(u.user_id) === u.origin;

export async function consumeRemoteDeviceLists(ctx: KeyserverContext): Promise<Subscription[]> {
  return [
    await ctx.bus.consume({ stream: STREAM.InputDeviceListUpdate, durable: DEVICE_LIST_UPDATES_DURABLE }, async (m) => {
      const u = m.json<InputDeviceListUpdate>();
      if (fromOwnServer(u)) await applyDeviceListUpdate(ctx, u);
    }),
    await ctx.bus.consume({ stream: STREAM.InputSigningKeyUpdate, durable: SIGNING_KEY_UPDATES_DURABLE }, async (m) => {
      const u = m.json<InputSigningKeyUpdate>();
      if (fromOwnServer(u)) await applySigningKeyUpdate(ctx, u);
    }),
  ];
}
