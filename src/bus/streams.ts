// The streams of the homeserver, named as Dendrite's (setup/jetstream/streams.go) so that an
// operator who knows Dendrite recognises them on a NATS server. Each stream `X` covers the
// subjects `<prefix>X` and `<prefix>X.>`; all use JetStream "interest" retention.
import type { StreamDef } from './types.ts';

export const STREAM = {
  InputRoomEvent: 'InputRoomEvent',
  OutputRoomEvent: 'OutputRoomEvent',
  OutputClientData: 'OutputClientData',
  OutputReceiptEvent: 'OutputReceiptEvent',
  OutputTypingEvent: 'OutputTypingEvent',
  OutputSendToDeviceEvent: 'OutputSendToDeviceEvent',
  OutputKeyChangeEvent: 'OutputKeyChangeEvent',
  OutputPresenceEvent: 'OutputPresenceEvent',
  OutputNotificationData: 'OutputNotificationData',
  OutputAppserviceEvent: 'OutputAppserviceEvent',
  InputDeviceListUpdate: 'InputDeviceListUpdate',
  InputSigningKeyUpdate: 'InputSigningKeyUpdate',
} as const;

export type StreamName = (typeof STREAM)[keyof typeof STREAM];

const SECOND = 1000;
const file = (name: StreamName, maxAgeMs = 0): StreamDef => ({ name, storage: 'file', maxAgeMs });
const memory = (name: StreamName, maxAgeMs: number): StreamDef => ({ name, storage: 'memory', maxAgeMs });

/** Every stream the homeserver uses; `bus.ensureStreams(STREAMS)` at start-up creates them. */
export const STREAMS: readonly StreamDef[] = [
  // Input events older than a day are dropped, as Dendrite does since 0.13.2: a room worker that
  // has not picked them up by then is stuck, and the sender has long since seen an error.
  file(STREAM.InputRoomEvent, 24 * 3600 * SECOND),
  file(STREAM.OutputRoomEvent),
  file(STREAM.OutputClientData),
  file(STREAM.OutputReceiptEvent),
  // Typing and presence are ephemeral: losing them on a restart is harmless, keeping them is not.
  memory(STREAM.OutputTypingEvent, 60 * SECOND),
  file(STREAM.OutputSendToDeviceEvent),
  file(STREAM.OutputKeyChangeEvent),
  memory(STREAM.OutputPresenceEvent, 5 * 60 * SECOND),
  file(STREAM.OutputNotificationData),
  file(STREAM.OutputAppserviceEvent),
  file(STREAM.InputDeviceListUpdate),
  file(STREAM.InputSigningKeyUpdate),
];

/**
 * The subject of one room's input events: `InputRoomEvent.<room id>` with every character that
 * is not an ASCII letter or digit replaced by `_`, because `.`, `*` and `>` are NATS syntax.
 * Two room IDs may map to one subject; that only makes those rooms share a queue.
 */
export function inputRoomEventSubject(roomId: string): string {
  return `${STREAM.InputRoomEvent}.${roomId.replace(/[^A-Za-z0-9]/g, '_')}`;
}
