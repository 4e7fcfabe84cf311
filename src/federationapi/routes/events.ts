// Server-Server API, "Retrieving events" (events.yaml): one event, and the state of a room before
// an event, whole or as IDs, with its auth chain.
import { missingParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { FederationContext } from '../context.ts';
import { authChain } from '../serve/auth-chain.ts';
import { checkRoomAccess } from '../serve/room-access.ts';
import { forServer, toPdu } from '../serve/visibility.ts';

/** Mounted under /_matrix/federation/v1. */
export function eventsOps(ctx: FederationContext): Operation[] {
  const stateAt = async (roomId: string, origin: string, eventId: string | undefined) => {
    if (!eventId) throw missingParam('event_id is required');
    await checkRoomAccess(ctx, roomId, origin);
    const [event] = await ctx.roomserver.eventsById([eventId]);
    if (!event || event.roomId !== roomId) throw notFound(`Unknown event ${eventId} in ${roomId}`);
    const state = await ctx.roomserver.stateBeforeEvent(eventId);
    if (!state) throw notFound(`The state at ${eventId} is not known here`);
    return { state, chain: await authChain(ctx.roomserver, state) };
  };
  return [
    // GET /_matrix/federation/v1/event/{eventId}
    op({ method: 'GET', path: '/event/:eventId', access: 'server' }, async function getEvent({ params, origin }) {
      const [event] = await ctx.roomserver.eventsById([params.eventId!]);
      if (!event) throw notFound(`Unknown event ${params.eventId}`);
      await ctx.acl.check(event.roomId, origin!);
      return { origin: ctx.serverName, origin_server_ts: ctx.now(), pdus: await forServer(ctx.roomserver, origin!, [event]) };
    }),
    // GET /_matrix/federation/v1/state/{roomId}
    op({ method: 'GET', path: '/state/:roomId', access: 'server' }, async function getRoomState({ params, query, origin }) {
      const { state, chain } = await stateAt(params.roomId!, origin!, query('event_id'));
      return { pdus: state.map(toPdu), auth_chain: chain.map(toPdu) };
    }),
    // GET /_matrix/federation/v1/state_ids/{roomId}
    op({ method: 'GET', path: '/state_ids/:roomId', access: 'server' }, async function getRoomStateIds({ params, query, origin }) {
      const { state, chain } = await stateAt(params.roomId!, origin!, query('event_id'));
      return { pdu_ids: state.map((e) => e.eventId), auth_chain_ids: chain.map((e) => e.eventId) };
    }),
  ];
}
