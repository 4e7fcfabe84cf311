// The EDUs of a transaction (Server-Server API, "EDUs" and the modules that define them), each
// checked to come from a user of the sending server and passed to the components that own its
// data over the bus: typing, receipts, presence and to-device messages to the sync API (the
// message contracts of src/syncapi/api.ts), device-list and cross-signing updates to the key
// server (InputDeviceListUpdate, InputSigningKeyUpdate in ./api.ts). A malformed EDU is dropped.
import { STREAM } from '../../bus/streams.ts';
import { EduType, Membership, PresenceState, ReceiptType } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { OutputPresenceEvent, OutputReceiptEvent, OutputSendToDeviceEvent, OutputTypingEvent } from '../../syncapi/api.ts';
import type { InputDeviceListUpdate, InputSigningKeyUpdate } from '../api.ts';
import { isLocal, type FederationContext } from '../context.ts';

/** How long a typing notification from another server lasts unless renewed. */
export const REMOTE_TYPING_TIMEOUT_MS = 30_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function processEdus(ctx: FederationContext, origin: string, edus: readonly unknown[]): Promise<void> {
  for (const edu of edus) {
    if (!isObj(edu) || typeof edu.edu_type !== 'string' || !isObj(edu.content)) continue;
    try {
      await processEdu(ctx, origin, edu.edu_type, edu.content);
    } catch (e) {
      ctx.log.warn('EDU failed', { origin, type: edu.edu_type, error: (e as Error).message });
    }
  }
}

const fromOrigin = (userId: string | undefined, origin: string): userId is string => userId !== undefined && serverNameOf(userId) === origin;

async function processEdu(ctx: FederationContext, origin: string, type: string, c: Obj): Promise<void> {
  switch (type) {
    case EduType.Typing:
      return typing(ctx, origin, c);
    case EduType.Receipt:
      return receipts(ctx, origin, c);
    case EduType.Presence:
      return presence(ctx, origin, c);
    case EduType.DirectToDevice:
      return toDevice(ctx, origin, c);
    case EduType.DeviceListUpdate: {
      if (!fromOrigin(str(c.user_id), origin) || typeof c.device_id !== 'string' || typeof c.stream_id !== 'number') return;
      const msg: InputDeviceListUpdate = { ...(c as unknown as InputDeviceListUpdate), origin };
      await ctx.bus.publish(STREAM.InputDeviceListUpdate, msg, { user_id: msg.user_id });
      return;
    }
    case EduType.SigningKeyUpdate: {
      if (!fromOrigin(str(c.user_id), origin)) return;
      const msg: InputSigningKeyUpdate = { ...(c as unknown as InputSigningKeyUpdate), origin };
      await ctx.bus.publish(STREAM.InputSigningKeyUpdate, msg, { user_id: msg.user_id });
      return;
    }
    default:
      ctx.log.debug('unknown EDU type ignored', { origin, type });
  }
}

/** "Receiving servers should verify that the user is in the room, and is a user belonging to the sending server." */
async function typing(ctx: FederationContext, origin: string, c: Obj): Promise<void> {
  const roomId = str(c.room_id);
  const userId = str(c.user_id);
  if (!roomId || !fromOrigin(userId, origin) || typeof c.typing !== 'boolean') return;
  if (!(await ctx.acl.allowed(roomId, origin))) return;
  if ((await ctx.roomserver.membership(roomId, userId))?.membership !== Membership.Join) return;
  const msg: OutputTypingEvent = { roomId, userId, typing: c.typing, timeoutMs: REMOTE_TYPING_TIMEOUT_MS };
  await ctx.bus.publish(STREAM.OutputTypingEvent, msg, { room_id: roomId });
}

async function receipts(ctx: FederationContext, origin: string, c: Obj): Promise<void> {
  for (const [roomId, byType] of Object.entries(c)) {
    if (!isObj(byType) || !isObj(byType[ReceiptType.Read])) continue;
    if (!(await ctx.acl.allowed(roomId, origin))) continue;
    for (const [userId, r] of Object.entries(byType[ReceiptType.Read] as Obj)) {
      if (!fromOrigin(userId, origin) || !isObj(r) || !Array.isArray(r.event_ids)) continue;
      const data = isObj(r.data) ? r.data : {};
      if ((await ctx.roomserver.membership(roomId, userId))?.membership !== Membership.Join) continue;
      for (const eventId of r.event_ids.filter((x): x is string => typeof x === 'string')) {
        const msg: OutputReceiptEvent = {
          roomId,
          userId,
          receiptType: ReceiptType.Read,
          eventId,
          ts: typeof data.ts === 'number' ? data.ts : ctx.now(),
          ...(typeof data.thread_id === 'string' ? { threadId: data.thread_id } : {}),
        };
        await ctx.bus.publish(STREAM.OutputReceiptEvent, msg, { room_id: roomId });
      }
    }
  }
}

const PRESENCE_VALUES = new Set<string>(Object.values(PresenceState));

async function presence(ctx: FederationContext, origin: string, c: Obj): Promise<void> {
  if (!ctx.presenceInbound || !Array.isArray(c.push)) return;
  for (const p of c.push) {
    if (!isObj(p) || !fromOrigin(str(p.user_id), origin) || !PRESENCE_VALUES.has(String(p.presence))) continue;
    const ago = typeof p.last_active_ago === 'number' ? Math.max(0, p.last_active_ago) : 0;
    const msg: OutputPresenceEvent = {
      userId: p.user_id as string,
      presence: p.presence as OutputPresenceEvent['presence'],
      statusMsg: typeof p.status_msg === 'string' ? p.status_msg : null,
      lastActiveTs: ctx.now() - ago,
    };
    await ctx.bus.publish(STREAM.OutputPresenceEvent, msg, { user_id: msg.userId });
  }
}

async function toDevice(ctx: FederationContext, origin: string, c: Obj): Promise<void> {
  const sender = str(c.sender);
  const type = str(c.type);
  if (!fromOrigin(sender, origin) || !type || !isObj(c.messages)) return;
  for (const [userId, devices] of Object.entries(c.messages)) {
    if (!isLocal(ctx, userId) || !isObj(devices)) continue;
    for (const [deviceId, content] of Object.entries(devices)) {
      if (!isObj(content)) continue;
      // '*' is every device the user has; the sync API expects it expanded.
      const targets = deviceId === '*' ? (await ctx.userapi.listDevices(userId)).map((d) => d.deviceId) : [deviceId];
      for (const target of targets) {
        const msg: OutputSendToDeviceEvent = { sender, userId, deviceId: target, type, content };
        await ctx.bus.publish(STREAM.OutputSendToDeviceEvent, msg, { user_id: userId });
      }
    }
  }
}
