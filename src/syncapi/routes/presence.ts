// Client-Server API, "Presence" (presence.yaml): read and set a user's presence. With
// global.presence.enable_inbound and enable_outbound both off, presence is off on this server and
// both endpoints say so with 403 M_FORBIDDEN rather than inventing a state.
import { forbidden, invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { presenceEnabled, type SyncapiContext } from '../context.ts';
import { selectPresence } from '../storage/presence.ts';
import { presenceContent } from '../streams/presence.ts';
import type { PresenceUpdates } from '../sync/presence-updates.ts';

const MAX_STATUS_MSG = 1024;

function mustBeEnabled(ctx: SyncapiContext) {
  if (!presenceEnabled(ctx)) throw forbidden('Presence is disabled on this server (global.presence).');
}

export function presenceOps(ctx: SyncapiContext, updates: PresenceUpdates): Operation[] {
  return [
    // GET /_matrix/client/v3/presence/{userId}/status
    op({ method: 'GET', path: '/presence/:userId/status', access: 'user-or-guest' }, async function getPresence({ params }) {
      mustBeEnabled(ctx);
      const row = await selectPresence(ctx.db, params.userId!);
      return presenceContent(row, ctx.now());
    }),

    // PUT /_matrix/client/v3/presence/{userId}/status
    op(
      {
        method: 'PUT',
        path: '/presence/:userId/status',
        access: 'user-or-guest',
        rateLimited: true,
        body: v.object({ presence: v.literal('online', 'offline', 'unavailable'), status_msg: v.string().opt() }),
      },
      async function setPresence({ params, body, requester }) {
        if (params.userId !== requester.userId) throw forbidden('Cannot set the presence of another user.');
        mustBeEnabled(ctx);
        if (body.status_msg !== undefined && body.status_msg.length > MAX_STATUS_MSG) throw invalidParam('status_msg is too long');
        await updates.publish(requester.userId, body.presence, body.status_msg ?? null);
        return {};
      },
    ),
  ];
}
