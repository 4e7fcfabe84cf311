// OutputTypingEvent -> m.typing EDUs for our users' typing, to the other servers in the room
// (Server-Server API, "Typing Notifications"). One that cannot go out before it would have
// timed out is dropped.
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import { EduType } from '../../../protocol/constants.ts';
import type { OutputTypingEvent } from '../../../syncapi/api.ts';
import { isLocal } from '../../context.ts';
import { type Outbound, otherServersIn } from './outbound.ts';

export const TYPING_DURABLE = 'FederationAPITypingConsumer';

export function consumeTyping(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputTypingEvent, durable: TYPING_DURABLE }, async (msg) => {
    const t = msg.json<OutputTypingEvent>();
    if (!isLocal(ctx, t.userId)) return;
    const edu = { edu_type: EduType.Typing, content: { room_id: t.roomId, user_id: t.userId, typing: t.typing } };
    await out.queues.sendEdu(await otherServersIn(out, t.roomId), edu, ctx.now() + Math.max(t.timeoutMs, 5_000));
  });
}
