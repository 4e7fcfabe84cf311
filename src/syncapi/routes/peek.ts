// NOTSPEC: MSC2753 peeking (SyTest tests/31sync/17peeking.pl): POST /peek/{roomIdOrAlias} makes
// a world_readable room turn up under rooms.peek in this device's /sync without joining it;
// POST /unpeek/{roomId} stops that. Not in the spec yet, served as Synapse and Dendrite do.
import { forbidden, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType, HistoryVisibility } from '../../protocol/constants.ts';
import type { SyncapiContext } from '../context.ts';

export function peekOps(ctx: SyncapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/peek/{roomIdOrAlias}
    op({ method: 'POST', path: '/peek/:roomIdOrAlias', access: 'user-or-guest', body: v.anyObject().opt() }, async function peek({ params, requester }) {
      const target = params.roomIdOrAlias!;
      let roomId = target;
      if (target.startsWith('#')) {
        const resolved = await ctx.roomserver.resolveAlias(target);
        if (!resolved) throw notFound(`Unknown room alias ${target}`);
        roomId = resolved.roomId;
      }
      const hv = await ctx.roomserver.stateEvent(roomId, EventType.HistoryVisibility, '');
      if (hv?.json.content.history_visibility !== HistoryVisibility.WorldReadable) {
        throw forbidden('Only world_readable rooms can be peeked into.');
      }
      await ctx.peeks.start(ctx, requester.userId, requester.deviceId, roomId);
      return { room_id: roomId };
    }),

    // POST /_matrix/client/v3/unpeek/{roomId}
    op({ method: 'POST', path: '/unpeek/:roomId', access: 'user-or-guest', body: v.anyObject().opt() }, async function unpeek({ params, requester }) {
      await ctx.peeks.stop(ctx, requester.userId, requester.deviceId, params.roomId!);
      return {};
    }),
  ];
}
