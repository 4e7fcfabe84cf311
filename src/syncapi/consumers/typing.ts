// OutputTypingEvent -> the in-memory typing state; the typing state itself wakes the room (on
// changes and on timeouts).
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import type { OutputTypingEvent } from '../api.ts';
import type { SyncapiContext } from '../context.ts';

export const TYPING_DURABLE = 'SyncAPITypingConsumer';

export function startTypingConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputTypingEvent, durable: TYPING_DURABLE }, async (msg) => {
    const t = msg.json<OutputTypingEvent>();
    ctx.typing.set(t.roomId, t.userId, t.typing, t.timeoutMs);
    ctx.progress.handled(STREAM.OutputTypingEvent, msg.seq);
  });
}
