// OutputSendToDeviceEvent -> m.direct_to_device EDUs for messages to other servers' users
// (Server-Server API, "Send-to-device messaging"). Local recipients are the sync API's.
import { randomBytes } from 'node:crypto';
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import { EduType } from '../../../protocol/constants.ts';
import { serverNameOf } from '../../../protocol/identifiers.ts';
import type { OutputSendToDeviceEvent } from '../../../syncapi/api.ts';
import { isLocal } from '../../context.ts';
import type { Outbound } from './outbound.ts';

export const SEND_TO_DEVICE_DURABLE = 'FederationAPISendToDeviceConsumer';

export function consumeSendToDevice(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputSendToDeviceEvent, durable: SEND_TO_DEVICE_DURABLE }, async (msg) => {
    const m = msg.json<OutputSendToDeviceEvent>();
    if (isLocal(ctx, m.userId) || !isLocal(ctx, m.sender)) return;
    const server = serverNameOf(m.userId);
    if (!server) return;
    const edu = {
      edu_type: EduType.DirectToDevice,
      content: {
        sender: m.sender,
        type: m.type,
        // "Unique ID for the message, used for idempotence" (at most 32 code points).
        message_id: randomBytes(12).toString('base64url'),
        messages: { [m.userId]: { [m.deviceId]: m.content } },
      },
    };
    await out.queues.sendEdu([server], edu);
  });
}
