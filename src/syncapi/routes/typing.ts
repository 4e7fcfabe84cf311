// Client-Server API, "Typing Notifications" (typing.yaml). The notification goes out on the
// OutputTypingEvent stream, which our typing consumer (and the federation sender) follow.
import { STREAM } from '../../bus/streams.ts';
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { OutputTypingEvent } from '../api.ts';
import type { SyncapiContext } from '../context.ts';
import { mustBeJoined } from './membership-check.ts';

/** Typing without a timeout, or with a huge one, still ends (Synapse uses 30 s by default). */
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 120_000;

export function typingOps(ctx: SyncapiContext): Operation[] {
  return [
    // PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}
    op(
      {
        method: 'PUT',
        path: '/rooms/:roomId/typing/:userId',
        access: 'user-or-guest',
        rateLimited: true,
        body: v.object({ typing: v.boolean(), timeout: v.integer().opt() }),
      },
      async function setTyping({ params, body, requester }) {
        const { roomId, userId } = params as { roomId: string; userId: string };
        if (userId !== requester.userId) throw forbidden('Cannot set the typing state of another user.');
        await mustBeJoined(ctx, roomId, userId);
        const timeoutMs = Math.min(Math.max(body.timeout ?? DEFAULT_TIMEOUT_MS, 0), MAX_TIMEOUT_MS);
        const msg: OutputTypingEvent = { roomId, userId, typing: body.typing, timeoutMs };
        const { seq } = await ctx.bus.publish(STREAM.OutputTypingEvent, msg, { room_id: roomId });
        await ctx.progress.waitFor(STREAM.OutputTypingEvent, seq);
        return {};
      },
    ),
  ];
}
