// Client-Server API, "Send-to-Device messaging" (to_device.yaml). A retried transaction is
// answered without sending again. `*` means every device of a local user. Each message goes out
// on OutputSendToDeviceEvent: our consumer files local ones, the federation sender remote ones.
import { STREAM } from '../../bus/streams.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { OutputSendToDeviceEvent } from '../api.ts';
import { isLocalUser, type SyncapiContext } from '../context.ts';
import { claimTxn, releaseTxn } from '../storage/to-device-txns.ts';

export function toDeviceOps(ctx: SyncapiContext): Operation[] {
  return [
    // PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}
    op(
      {
        method: 'PUT',
        path: '/sendToDevice/:eventType/:txnId',
        access: 'user-or-guest',
        rateLimited: true,
        body: v.object({ messages: v.record(v.record(v.anyObject())) }),
      },
      async function sendToDevice({ params, body, requester }) {
        const { eventType, txnId } = params as { eventType: string; txnId: string };
        const fresh = await ctx.db.transaction((tx) => claimTxn(tx, requester.userId, requester.deviceId, txnId, ctx.now()));
        if (!fresh) return {};
        try {
          let last = 0;
          for (const [userId, devices] of Object.entries(body.messages)) {
            for (const [deviceId, content] of Object.entries(devices)) {
              const targets =
                deviceId === '*' && isLocalUser(ctx, userId) ? (await ctx.userapi.listDevices(userId)).map((d) => d.deviceId) : [deviceId];
              for (const target of targets) {
                const msg: OutputSendToDeviceEvent = { sender: requester.userId, userId, deviceId: target, type: eventType, content };
                last = (await ctx.bus.publish(STREAM.OutputSendToDeviceEvent, msg, { user_id: userId })).seq;
              }
            }
          }
          if (last > 0) await ctx.progress.waitFor(STREAM.OutputSendToDeviceEvent, last);
        } catch (err) {
          // Nothing was promised to the client: let its retry send the messages.
          await ctx.db.transaction((tx) => releaseTxn(tx, requester.userId, requester.deviceId, txnId));
          throw err;
        }
        return {};
      },
    ),
  ];
}
