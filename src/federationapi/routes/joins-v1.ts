// Server-Server API, "Joining Rooms" (joins-v1.yaml): GET /make_join and the deprecated v1
// PUT /send_join, whose answer is `[200, body]`. Restricted rooms ("Restricted rooms"): the
// template names one of our users who may invite, or the spec's errors say why it cannot.
import { MatrixError } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { FederationContext } from '../context.ts';
import { makeMembership, requireSupported, residentRoom } from '../serve/membership.ts';
import { JOIN_AUTHORISED_VIA, needsAuthoriser, unableToGrant } from '../serve/restricted-join.ts';
import { sendJoin } from '../serve/send-join.ts';

/** Mounted under /_matrix/federation/v1. */
export function joinsV1Ops(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/make_join/{roomId}/{userId}
    op({ method: 'GET', path: '/make_join/:roomId/:userId', access: 'server' }, async function makeJoin({ params, queries, origin }) {
      const roomId = params.roomId!;
      const userId = params.userId!;
      const version = await residentRoom(ctx, roomId, origin!);
      requireSupported(version, queries('ver'));
      const restricted = await needsAuthoriser(ctx, version, roomId, userId);
      try {
        const made = await makeMembership(ctx, version, { roomId, userId, origin: origin!, membership: Membership.Join });
        if (restricted && made.event.content[JOIN_AUTHORISED_VIA] === undefined) throw unableToGrant();
        return made;
      } catch (e) {
        // The user meets a condition, so only the missing authoriser can have made the rules refuse.
        if (restricted && e instanceof MatrixError && e.errcode === 'M_FORBIDDEN') throw unableToGrant();
        throw e;
      }
    }),

    // PUT /_matrix/federation/v1/send_join/{roomId}/{eventId}
    op({ method: 'PUT', path: '/send_join/:roomId/:eventId', access: 'server', body: v.anyObject() }, async function sendJoinV1({ params, body, origin }) {
      const res = await sendJoin(ctx, { roomId: params.roomId!, eventId: params.eventId!, origin: origin!, body });
      return [200, { origin: res.origin, state: res.state, auth_chain: res.auth_chain, event: res.event }];
    }),
  ];
}
