// Starts the federation sender's consumers, one per stream it follows.
import type { Subscription } from '../../../bus/types.ts';
import { consumeKeyChanges } from './key-changes.ts';
import type { Outbound } from './outbound.ts';
import { consumePresence } from './presence.ts';
import { consumeReceipts } from './receipts.ts';
import { consumeRoomEvents } from './room-events.ts';
import { consumeSendToDevice } from './send-to-device.ts';
import { consumeTyping } from './typing.ts';

export async function startConsumers(out: Outbound, opts: { presenceOutbound: boolean }): Promise<Subscription[]> {
  const subs = [
    await consumeRoomEvents(out),
    await consumeTyping(out),
    await consumeReceipts(out),
    await consumeSendToDevice(out),
    await consumeKeyChanges(out),
  ];
  if (opts.presenceOutbound) subs.push(await consumePresence(out));
  return subs;
}
