// Server-Server API, "Retrieving event authorisation information" (event_auth.yaml).
import { notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { FederationContext } from '../context.ts';
import { authChain } from '../serve/auth-chain.ts';
import { checkRoomAccess } from '../serve/room-access.ts';
import { toPdu } from '../serve/visibility.ts';

/** Mounted under /_matrix/federation/v1. */
export function eventAuthOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}
    op({ method: 'GET', path: '/event_auth/:roomId/:eventId', access: 'server' }, async function getEventAuth({ params, origin }) {
      await checkRoomAccess(ctx, params.roomId!, origin!);
      const [event] = await ctx.roomserver.eventsById([params.eventId!]);
      if (!event || event.roomId !== params.roomId) throw notFound(`Unknown event ${params.eventId} in ${params.roomId}`);
      return { auth_chain: (await authChain(ctx.roomserver, [event])).map(toPdu) };
    }),
  ];
}
