// OutputPresenceEvent -> m.presence EDUs for our users, to every server sharing a room with them
// (Server-Server API, "Presence"), when global.presence.enable_outbound is on.
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import { EduType, PresenceState } from '../../../protocol/constants.ts';
import type { OutputPresenceEvent } from '../../../syncapi/api.ts';
import { isLocal } from '../../context.ts';
import { type Outbound, serversSharingRoomsWith } from './outbound.ts';

export const PRESENCE_DURABLE = 'FederationAPIPresenceConsumer';
/** Presence older than this is not worth delivering. */
const PRESENCE_EXPIRY_MS = 5 * 60_000;

export function consumePresence(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputPresenceEvent, durable: PRESENCE_DURABLE }, async (msg) => {
    const p = msg.json<OutputPresenceEvent>();
    if (!isLocal(ctx, p.userId)) return;
    const push = {
      user_id: p.userId,
      presence: p.presence,
      last_active_ago: Math.max(0, ctx.now() - p.lastActiveTs),
      currently_active: p.presence === PresenceState.Online,
      ...(p.statusMsg ? { status_msg: p.statusMsg } : {}),
    };
    const edu = { edu_type: EduType.Presence, content: { push: [push] } };
    await out.queues.sendEdu(await serversSharingRoomsWith(out, p.userId), edu, ctx.now() + PRESENCE_EXPIRY_MS);
  });
}
